"""Template context shared by every page (header badge, Firefly URL)."""

from django.conf import settings


def portal(request):
    """Expose the deployment environment and viewer configuration to templates."""
    environment = settings.PORTAL_ENVIRONMENT
    return {
        "portal_environment": environment,
        "is_staging": environment == "staging",
        "firefly_url": settings.FIREFLY_URL,
    }
