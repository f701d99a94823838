"""Single sign-on with OpenID Connect, on top of mozilla-django-oidc (issue 13).

Off unless `OIDC_RP_CLIENT_ID` is set (env OIDC_CLIENT_ID; README "Single sign-on").
Then the sign-in page offers "Sign in with <provider>" (beside the password form, or
instead of it with OIDC_ONLY) and:

- endpoints come from the issuer's discovery document (`OIDC_ISSUER`), fetched when
  first needed and kept for an hour, unless set one by one (those win). Nothing is
  fetched at start-up or for a password sign-in, so a provider that is down only
  stops single sign-on;
- people are found by e-mail, created on first sign-in, and updated at every sign-in
  from the claims: name, e-mail, preferred language (`locale`), and the groups claim
  (`OIDC_GROUPS_CLAIM`) mapped to the app's roles (`OIDC_ROLE_MAP`, group -> role) and,
  optionally, memberships (`OIDC_MEMBERSHIP_MAP`, group -> [discipline slug, function]).
  Roles and mapped memberships follow the claim both ways: a group removed at the
  provider removes its role at the next sign-in. Roles and memberships that no mapping
  names are left alone (an admin's own assignments);
- a deactivated user is refused with a message, whatever the provider says;
- signing out ends the app's session, and the provider's when it has an end-session
  endpoint. API tokens are unaffected.
"""

import logging
import time
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from governance.access import Role, role_group

logger = logging.getLogger("governance.oidc")

# mozilla-django-oidc's setting -> the discovery document's key.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}
DISCOVERY_TTL = 3600
_discovery = {}  # issuer -> (fetched at, document)


def enabled():
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def password_sign_in_allowed():
    return not (enabled() and settings.OIDC_ONLY)


def _discovered(issuer):
    fetched = _discovery.get(issuer)
    if fetched is None or time.monotonic() - fetched[0] > DISCOVERY_TTL:
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        fetched = (time.monotonic(), response.json())
        _discovery[issuer] = fetched
    return fetched[1]


def endpoint(name):
    """An endpoint's URL: its own setting, else the issuer's discovery document ("" if neither)."""
    value = getattr(settings, name, "")
    if value or not settings.OIDC_ISSUER:
        return value
    return _discovered(settings.OIDC_ISSUER).get(DISCOVERED[name], "")


def get_settings(attr, *args):
    """mozilla-django-oidc's settings, with endpoints resolved through discovery."""
    if attr in DISCOVERED:
        value = endpoint(attr)
        if value:
            return value
        if args:
            return args[0]
        raise ImproperlyConfigured(f"Set OIDC_ISSUER, or the endpoint {attr} itself.")
    return import_from_settings(attr, *args)


# --- Signing in ------------------------------------------------------------------------------


class Backend(OIDCAuthenticationBackend):
    get_settings = staticmethod(get_settings)

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every sign-in and every request's session check:
        # the endpoints (maybe fetched from the provider) are read only when a code
        # from the provider is to be exchanged (authenticate).
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or not enabled() or "code" not in request.GET:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims):
        return bool(claims.get("email"))

    def get_username(self, claims):
        """The e-mail address, made unique if someone already has it as their username."""
        base = claims["email"].strip().lower()[:140]
        username, number = base, 1
        while self.UserModel.objects.filter(username=username).exists():
            number += 1
            username = f"{base}-{number}"
        return username

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(self.get_username(claims), email=claims["email"])
        user.set_unusable_password()  # signs in through the provider only
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.email = claims["email"][:254]
        user.save()
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        _sync_roles(user, set(groups))
        _sync_memberships(user, set(groups))
        _set_language(user, claims.get("locale") or "")
        return user


def _sync_roles(user, groups):
    mapped = {group: Role(role) for group, role in settings.OIDC_ROLE_MAP.items() if role in Role.values}
    wanted = {role for group, role in mapped.items() if group in groups}
    for role in set(mapped.values()):
        if role in wanted:
            user.groups.add(role_group(role))
        else:
            user.groups.remove(role_group(role))


def _sync_memberships(user, groups):
    from disciplines.models import Discipline, Membership

    for group, (slug, function) in settings.OIDC_MEMBERSHIP_MAP.items():
        discipline = Discipline.objects.filter(slug=slug).first()
        if discipline is None or function not in Membership.Function.values:
            logger.warning("OIDC_MEMBERSHIP_MAP names an unknown discipline or function: %s", group)
            continue
        if group in groups:
            Membership.objects.get_or_create(user=user, discipline=discipline, function=function)
        else:
            Membership.objects.filter(user=user, discipline=discipline, function=function).delete()


def _set_language(user, locale):
    from governance.models import UserProfile

    language = locale.split("-")[0].split("_")[0].lower()
    if language in {code for code, _name in settings.LANGUAGES}:
        UserProfile.objects.update_or_create(user=user, defaults={"language": language})


class _Enabled(View):
    """404 while single sign-on is off; the endpoints are read per request, not at import."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignInView(_Enabled, OIDCAuthenticationRequestView):
    get_settings = staticmethod(get_settings)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)

    def get(self, request):
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class CallbackView(_Enabled, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(get_settings)

    @property
    def failure_url(self):
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "login"))

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            messages.error(self.request, _("This account is disabled. Ask an administrator."))
        else:
            messages.error(
                self.request,
                _("Signing in with %(provider)s did not work. Try again.") % {"provider": settings.OIDC_PROVIDER_NAME},
            )
        return super().login_failure()


# --- Signing out -----------------------------------------------------------------------------


class LogoutView(auth_views.LogoutView):
    """Django's sign-out; after single sign-on, the provider's too (when it offers one)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        end_session = ""
        if enabled() and id_token:
            try:
                end_session = endpoint("OIDC_OP_LOGOUT_ENDPOINT")
            except requests.RequestException:
                logger.warning("the provider's discovery document could not be read for sign-out")
        if end_session:
            back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
            query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
            response["Location"] = f"{end_session}?{query}"
        return response
