"""Login with brute-force protection and safe redirects.

Failed logins are counted twice: per account and address, and per address
alone with a higher ceiling. Colleagues behind one NAT share an address, so
someone guessing (or mistyping) one account's password locks only that
account at that address; the per-address ceiling stops an attacker who
tries many accounts. Neither count can lock an account out for everyone:
the same account still logs in from another address.
"""

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.shortcuts import render

from portal.ratelimit import RateLimit, client_ip, limiter_key


def login_limits(request):
    """[(RateLimit, key)] that a failed login from `request` counts against."""
    address = client_ip(request)
    username = request.POST.get("username", "").strip().casefold()
    window_s = settings.LOGIN_FAILURE_WINDOW_S
    return [
        (
            RateLimit("login-account", settings.LOGIN_FAILURE_LIMIT, window_s),
            limiter_key(username, address),
        ),
        (
            RateLimit("login-address", settings.LOGIN_ADDRESS_FAILURE_LIMIT, window_s),
            limiter_key(address),
        ),
    ]


class PortalLoginView(LoginView):
    """Django's login view, refusing (429) after too many failures.

    The `next` parameter is honoured only for this host (Django's
    `url_has_allowed_host_and_scheme`), so there is no open redirect.
    """

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        limits = login_limits(request)
        if any(limit.exceeded(key) for limit, key in limits):
            return render(
                request,
                "registration/login_throttled.html",
                {"retry_after_s": settings.LOGIN_FAILURE_WINDOW_S},
                status=429,
            )
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: wrong credentials
            for limit, key in limits:
                limit.hit(key)
        return response
