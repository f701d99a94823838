"""“Which model fits us?”: everyone signed in may ask; leads may start a draft of the answer."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from governance.fit import recommend
from governance.forms_fit import FitForm
from governance.permissions import can_manage_governance


@login_required
@require_http_methods(["GET", "POST"])
def model_fit(request):
    # A POST changes nothing: it only keeps the answers out of the address bar and the logs.
    form = FitForm(request.POST) if request.method == "POST" else FitForm()
    recommendation = recommend(**form.cleaned_data) if form.is_bound and form.is_valid() else None
    return render(
        request,
        "governance/fit.html",
        {
            "form": form,
            "recommendation": recommendation,
            "can_start_draft": can_manage_governance(request.user),
        },
    )
