"""Login with brute-force protection and safe redirects (SPEC §13)."""

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.shortcuts import render

from portal.ratelimit import RateLimit, client_ip

LOGIN_FAILURES = RateLimit(
    "login-failures",
    limit=getattr(settings, "LOGIN_FAILURE_LIMIT", 10),
    window_s=getattr(settings, "LOGIN_FAILURE_WINDOW_S", 300),
)


class PortalLoginView(LoginView):
    """Django's login view, refusing (429) after too many failures from one address.

    The `next` parameter is honoured only for this host (Django's
    `url_has_allowed_host_and_scheme`), so there is no open redirect.
    """

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = client_ip(request)
        if LOGIN_FAILURES.exceeded(address):
            return render(
                request,
                "registration/login_throttled.html",
                {"retry_after_s": LOGIN_FAILURES.window_s},
                status=429,
            )
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: wrong credentials
            LOGIN_FAILURES.hit(address)
        return response
