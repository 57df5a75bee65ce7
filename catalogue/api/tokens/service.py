"""Create, check and revoke upload tokens; DRF authentication by token.

A key looks like `cpt_<43 url-safe characters>` (256 random bits). The
database holds only its sha256, so a leaked database does not leak keys.
Requests authenticate with `Authorization: Token <key>`.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from catalogue.api.tokens.models import UploadToken
from portal.ratelimit import RateLimit, client_ip

KEY_PREFIX = "cpt_"
PREFIX_LENGTH = 10  # characters of the key shown on the tokens page
# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(seconds=60)
# Wrong keys from one address before the API answers 429 (instead of 401) to
# further wrong keys for the rest of the window.
BAD_KEY_ATTEMPTS = RateLimit("api-bad-token", limit=20, window_s=60)


def hash_key(key):
    """sha256 (hex) of a token key: what the database stores."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name="", projects=(), may_create_projects=False):
    """Create a token for `user`; returns (UploadToken, key). Show the key once.

    `projects`: the projects it may write (the caller offers only those the
    user may upload to); `may_create_projects`: whether it may open new ones.
    """
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = UploadToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_key(key),
        prefix=key[:PREFIX_LENGTH],
        may_create_projects=may_create_projects,
    )
    token.projects.set(projects)
    return token, key


def revoke_token(token):
    """Revoke `token` (idempotent); a revoked token never authenticates again."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_key(key):
    """The active user a key belongs to, recording its use; raises if invalid."""
    token = (
        UploadToken.objects.select_related("user")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None:
        raise exceptions.AuthenticationFailed("invalid token")
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed("token has been revoked")
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed("the token's user is inactive")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        UploadToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class UploadTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`; the only authentication the API accepts.

    No session/cookie authentication, so no API endpoint can be reached by
    a cross-site request riding on a browser's login.
    """

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(
            "latin-1", errors="replace"
        )
        if not header:
            return None
        parts = header.split()
        if parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed(
                "Authorization header must be 'Token <key>'"
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization header must be 'Token <key>' (one key, no spaces)"
            )
        # A valid key is always looked up and accepted: only failures count,
        # so a flood of wrong keys from one address (or from the NAT an
        # uploader shares) never locks out a pipeline holding a real token.
        try:
            return user_for_key(parts[1])
        except exceptions.AuthenticationFailed:
            if BAD_KEY_ATTEMPTS.hit(client_ip(request)) > BAD_KEY_ATTEMPTS.limit:
                raise exceptions.Throttled(
                    wait=BAD_KEY_ATTEMPTS.window_s,
                    detail="too many requests with invalid tokens from this address",
                ) from None
            raise

    def authenticate_header(self, request):
        return self.keyword
