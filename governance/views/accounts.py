"""The signed-in user's own account: the profile page (preferred language, weekly summary) and sign-in
that switches to that language.

Only the signed-in user's own profile exists here: there is no id in the URL, so
nobody reaches anyone else's.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import accounts


def _language_choices():
    site = dict(settings.LANGUAGES).get(settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)
    return [("", gettext_lazy("Site language (%(language)s)") % {"language": site}), *settings.LANGUAGES]


class ProfileForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Preferred language"),
        required=False,
        help_text=gettext_lazy("E-mails come in this language, and pages show it after you sign in."),
    )

    weekly_digest = forms.BooleanField(
        label=gettext_lazy("Weekly summary e-mail"),
        required=False,
        help_text=gettext_lazy(
            "Every Monday: last week's figures for what you oversee, with the change against the week before, "
            "and the decisions waiting for you."
        ),
    )

    def __init__(self, *args, oversees=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices()
        if not oversees:
            del self.fields["weekly_digest"]  # only executives and managers get one


@login_required
def profile(request):
    oversees = accounts.gets_weekly_digest(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, oversees=oversees)
        if form.is_valid():
            try:
                accounts.profile_language_set(actor=request.user, language=form.cleaned_data["language"])
                if oversees:
                    accounts.profile_weekly_digest_set(actor=request.user, on=form.cleaned_data["weekly_digest"])
            except ValidationError as exc:
                form.add_error("language", exc.messages)
            else:
                language = accounts.preferred_language(request.user)
                translation.activate(language)  # the message below, in the new language
                messages.success(request, _("Your profile is saved."))
                return accounts.apply_language(redirect("profile"), language)
    else:
        initial = {
            "language": accounts.chosen_language(request.user),
            "weekly_digest": accounts.weekly_digest_on(request.user),
        }
        form = ProfileForm(initial=initial, oversees=oversees)
    return render(request, "registration/profile.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's sign-in; then the session speaks the user's preferred language, if
    they chose one (otherwise it keeps what the browser or the header's switch chose)."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from governance import oidc

        context = super().get_context_data(**kwargs)
        context["sso"] = settings.OIDC_PROVIDER_NAME if oidc.enabled() else None
        context["password_sign_in"] = oidc.password_sign_in_allowed()
        return context

    def post(self, request, *args, **kwargs):
        from governance import oidc

        if not oidc.password_sign_in_allowed():
            messages.error(request, _("Sign in with %(provider)s.") % {"provider": settings.OIDC_PROVIDER_NAME})
            return redirect("login")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        language = accounts.chosen_language(form.get_user())
        if language:
            translation.activate(language)
            accounts.apply_language(response, language)
        return response
