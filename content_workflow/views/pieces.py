"""Pages of content pieces: list, create, edit, one piece with its requests, versions
and timeline, the diff of two versions, and the status moves.

Thin views. Every read starts from `ContentPiece.objects.visible_to(user)` (through
`pieces_selectors`), so a piece the user may not see is a 404; someone who may read it
but not edit it gets a 403 on the edit pages. Every POST calls one service of
`services.pieces`: a `ValidationError` becomes a form error (or a message naming the
fields), a `DomainError` (an illegal move: the state table) an error message.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from content_workflow import pieces_selectors as selectors
from content_workflow import services
from content_workflow.api.filters import ContentPieceFilter
from content_workflow.forms_pieces import (
    FinalCheckForm,
    PieceForm,
    PieceTransitionForm,
    PublishForm,
    RescheduleForm,
    version_numbers,
)
from content_workflow.models import ContentVersion
from content_workflow.permissions import can_create_piece, can_edit_piece, can_request, piece_actors_for, piece_team_ids
from content_workflow.piece_diff import version_diff
from content_workflow.piece_transitions import next_piece_actions
from content_workflow.submissions import AlreadySubmitted, submission_claim, submission_record
from disciplines.models import Discipline
from governance.access import log_denied
from governance.errors import DomainError
from governance.form_errors import add_service_errors
from governance.pagination import KeysFirstPaginator

PER_PAGE = 25
# The buttons of the status moves, in the order the piece page shows them.
ACTION_LABELS = {
    "start": gettext_lazy("Start production"),
    "send_to_final_check": gettext_lazy("Send to final check"),
    "approve": gettext_lazy("Approve"),
    "publish": gettext_lazy("Mark as published"),
    "rework": gettext_lazy("Back to production"),
    "shelve": gettext_lazy("Back to ideas"),
    "archive": gettext_lazy("Archive"),
}


def _detail_url(piece):
    return reverse("content_workflow:piece_detail", args=[piece.pk])


def _editable(request, pk, action):
    """The piece if the user may see it (else 404) and edit it (else 403)."""
    piece = get_object_or_404(selectors.piece_list(request.user), pk=pk)
    if not can_edit_piece(request.user, piece):
        log_denied(request.user, f"piece_{action}", f"piece:{piece.pk}")
        raise PermissionDenied
    return piece


@login_required
@require_safe
def piece_list(request):
    filterset = ContentPieceFilter(request.GET or None, queryset=selectors.piece_list(request.user), request=request)
    problems = []
    if filterset.is_bound and not filterset.is_valid():
        rows = selectors.piece_list(request.user).none()
        problems = [message for errors in filterset.errors.values() for message in errors]
    else:
        rows = filterset.qs
    page = KeysFirstPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "content_workflow/piece_list.html",
        {
            "filters": filterset.form,
            "problems": problems,
            "page_obj": page,
            "filtered": any(request.GET.get(name) for name in ("status", "channel", "owner")),
            "can_create": can_create_piece(request.user),
        },
    )


def _teams(user):
    if user.is_superuser and not piece_team_ids(user):
        return Discipline.objects.all()
    return Discipline.objects.filter(pk__in=piece_team_ids(user))


@login_required
@require_http_methods(["GET", "POST"])
def piece_create(request):
    if not can_create_piece(request.user):
        log_denied(request.user, "piece_create")
        raise PermissionDenied
    form = PieceForm(request.POST if request.method == "POST" else None, teams=_teams(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                claim = submission_claim(form, user=request.user, kind="piece_create")
                piece = services.piece_create(actor=request.user, **form.service_fields())
                submission_record(claim, piece)
        except AlreadySubmitted as exc:
            messages.info(request, _("This was already sent; here is the piece you made."))
            if exc.object_id is None:
                return redirect("content_workflow:piece_list")
            return redirect("content_workflow:piece_detail", pk=exc.object_id)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The piece is planned. Ask the experts for input from its page."))
            return redirect(_detail_url(piece))
    return render(request, "content_workflow/piece_form.html", {"form": form, "piece": None})


@login_required
@require_http_methods(["GET", "POST"])
def piece_edit(request, pk):
    piece = _editable(request, pk, "edit")
    form = PieceForm(
        request.POST if request.method == "POST" else None,
        initial=PieceForm.initial_for(piece),
        teams=None,
        piece=piece,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.piece_update(piece=piece, actor=request.user, **form.service_fields())
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_detail_url(piece))
    return render(request, "content_workflow/piece_form.html", {"form": form, "piece": piece})


def request_form_url(piece):
    """The request form, pre-filled for this piece (GET parameters the form reads)."""
    query = {"piece": piece.pk}
    return f"{reverse('content_workflow:request_create')}?{urlencode(query)}"


@login_required
@require_safe
def piece_detail(request, pk):
    piece = get_object_or_404(selectors.piece_detail(request.user), pk=pk)
    return _render_detail(request, piece)


def _render_detail(request, piece, *, check_form=None, status=200):
    actors = piece_actors_for(request.user, piece)
    actions = next_piece_actions(piece.status, actors)
    feeding = list(piece.requests.all())
    can_edit = bool(actors)
    return render(
        request,
        "content_workflow/piece_detail.html",
        {
            "piece": piece,
            "can_edit": can_edit,
            "actions": actions,
            "buttons": [
                (action, label) for action, label in ACTION_LABELS.items() if action in actions and action != "publish"
            ],
            "versions": piece.versions.all(),
            "events": piece.events.all(),
            "feeding": feeding,
            "openable": selectors.visible_request_ids(request.user, feeding),
            "request_url": request_form_url(piece) if can_edit and can_request(request.user) else None,
            "reschedule_form": RescheduleForm(initial={"planned_publish_date": piece.planned_publish_date})
            if can_edit
            else None,
            "publish_form": PublishForm() if "publish" in actions else None,
            **_checks_context(request.user, piece, check_form),
        },
        status=status,
    )


def _checks_context(user, piece, form=None):
    """The latest round of final checks, and the reader's own pending one with its form."""
    checks = list(piece.checks.select_related("expert").order_by("-round", "expert__last_name", "expert_id"))
    latest = [check for check in checks if check.round == checks[0].round] if checks else []
    mine = next((check for check in latest if check.expert_id == user.pk and check.is_pending), None)
    return {
        "checks": latest,
        "my_check": mine,
        "check_form": (form or FinalCheckForm()) if mine is not None and piece.status == "in_final_check" else None,
        "quoted": list({check.expert_id: check.expert for check in checks if check.quote_consent}.values()),
    }


@login_required
@require_POST
def piece_check(request, pk):
    """The expert answers their final check of the piece, through `services.final_check_answer`."""
    piece = get_object_or_404(selectors.piece_detail(request.user), pk=pk)
    check = selectors.pending_check(piece, request.user)
    if check is None:
        messages.info(request, _("No final check of this piece is waiting for you."))
        return redirect(_detail_url(piece))
    form = FinalCheckForm(request.POST)
    if form.is_valid():
        try:
            services.final_check_answer(check=check, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, rename={"comments": "text_1"})
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(_detail_url(piece))
        else:
            messages.success(request, _("Thank you: your answer is recorded and the owner is told."))
            return redirect(_detail_url(piece))
    messages.error(request, _("Please correct the answer below."))
    return _render_detail(request, piece, check_form=form, status=400)


@login_required
@require_POST
def piece_action(request, pk, action):
    """One status move, through `services.piece_transition`."""
    piece = get_object_or_404(selectors.piece_list(request.user), pk=pk)
    form = (PublishForm if action == "publish" else PieceTransitionForm)(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(_detail_url(piece))
    try:
        moved = services.piece_transition(piece=piece, actor=request.user, action=action, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: the piece is now “%(status)s”.") % {"status": moved.get_status_display()})
    return redirect(_detail_url(piece))


@login_required
@require_POST
def piece_reschedule(request, pk):
    piece = _editable(request, pk, "reschedule")
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
        return redirect(_detail_url(piece))
    try:
        services.piece_reschedule(
            piece=piece, actor=request.user, planned_publish_date=form.cleaned_data["planned_publish_date"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The planned publish date is saved."))
    return redirect(_detail_url(piece))


@login_required
@require_safe
def piece_diff(request, pk):
    """Two versions side by side as one list of changed lines (?from=N&to=M)."""
    piece = get_object_or_404(selectors.piece_list(request.user), pk=pk)
    old, new, problem = version_numbers(piece, request.GET) if piece.version else (None, None, None)
    rows, versions = [], {}
    if old is not None:
        versions = {
            version.number: version
            for version in ContentVersion.objects.filter(piece=piece, number__in={old, new}).select_related("author")
        }
        if old in versions and new in versions:
            rows = version_diff(versions[old].text, versions[new].text)
    return render(
        request,
        "content_workflow/piece_diff.html",
        {
            "piece": piece,
            "problem": problem,
            "old": versions.get(old),
            "new": versions.get(new),
            "rows": rows,
            "from_number": old,
            "to_number": new,
        },
    )
