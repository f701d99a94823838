"""Each person's preferred language: reading it, setting it, and applying it.

The preferred language is what e-mails and digests are written in, and what the session
switches to at sign-in. Blank (or no profile row) means the site language
(`settings.LANGUAGE_CODE`). The header's language switch changes the session only.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from governance.models import UserProfile


def preferred_language(user):
    """The language to write to `user` in: theirs, else the site's. Reads the profile
    once (none if `user.profile` was read along with `select_related`)."""
    try:
        language = user.profile.language
    except UserProfile.DoesNotExist:
        language = ""
    return language or settings.LANGUAGE_CODE


def chosen_language(user):
    """What the user chose ("" for the site language), for the profile form."""
    try:
        return user.profile.language
    except UserProfile.DoesNotExist:
        return ""


def profile_language_set(*, actor, language):
    """Set `actor`'s preferred language: one of settings.LANGUAGES, or "" for the site's."""
    if language not in {code for code, _name in settings.LANGUAGES} | {""}:
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    profile, _created = UserProfile.objects.update_or_create(user=actor, defaults={"language": language})
    actor.profile = profile  # later reads in this request see the new choice
    return profile


def gets_weekly_digest(user):
    """Executives and discipline managers are sent the weekly summary (governance/digest.py)."""
    from disciplines.models import Membership
    from governance.access import Role, has_role

    return (
        has_role(user, Role.EXECUTIVE)
        or Membership.objects.filter(user=user, function=Membership.Function.MANAGER).exists()
    )


def weekly_digest_on(user):
    try:
        return user.profile.weekly_digest
    except UserProfile.DoesNotExist:
        return UserProfile._meta.get_field("weekly_digest").default


def profile_weekly_digest_set(*, actor, on):
    """Switch `actor`'s weekly summary e-mail on or off."""
    profile, _created = UserProfile.objects.update_or_create(user=actor, defaults={"weekly_digest": bool(on)})
    actor.profile = profile
    return profile


def apply_language(response, language):
    """Make `language` the session's language from the next page on (Django keeps the
    choice in the language cookie, as the header's switch does)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
