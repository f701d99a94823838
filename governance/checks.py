"""System checks for settings Django cannot judge by itself."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

THIS_MACHINE = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104


@register()
def site_url_reaches_users(app_configs, **kwargs):
    """E-mails link to SITE_URL: in production a link to this machine reaches nobody."""
    if settings.DEBUG or urlsplit(settings.SITE_URL).hostname not in THIS_MACHINE:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r} with DEBUG off: links in e-mails point to this machine.",
            hint="Set SITE_URL to the address people open, e.g. https://governance.example.com.",
            id="governance.W001",
        )
    ]
