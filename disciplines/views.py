"""Pages of the discipline catalogue: everyone signed in reads it, governance leads change it.

Every change goes through disciplines.services; a ValidationError from there becomes a
form error on the same page (status 200), so bad input never ends in a 500.
"""

import copy
import logging
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from disciplines import page_queries, selectors, services
from disciplines.filters import MembershipFilterSet
from disciplines.forms import (
    AbsenceForm,
    ApplicationAreaForm,
    DisciplineForm,
    ExpertiseForm,
    MembershipForm,
    RecognitionForm,
)
from disciplines.models import Absence, ApplicationArea, Discipline, Expertise, Membership
from disciplines.permissions import can_edit_catalogue
from governance.access import log_denied
from governance.form_errors import add_service_errors
from governance.pagination import KeysFirstPaginator

logger = logging.getLogger(__name__)

PEOPLE_PER_PAGE = 25


def reader_view(view):
    return login_required(require_safe(view))


def editor_view(view):
    """Edit pages: signed in, GET or POST, and a governance lead. The services check the right again."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not can_edit_catalogue(request.user):
            log_denied(request.user, f"catalogue:{view.__name__}", request.path)
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(require_http_methods(["GET", "POST"])(check))


def _render(request, template, context, **kwargs):
    context = {"can_edit": can_edit_catalogue(request.user), "today": timezone.localdate(), **context}
    return render(request, template, context, **kwargs)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _write(form, service, **kwargs):
    """Call one service; its ValidationError lands on `form`. Returns (done, result).

    The savepoint keeps a failed write from leaving anything behind.
    """
    try:
        with transaction.atomic():
            return True, service(**kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
    except IntegrityError:
        # full_clean passed, but another request saved a clashing row in between; the
        # database constraint caught it.
        logger.warning("catalogue write lost a race: %s", getattr(service, "__name__", service))
        form.add_error(None, _("Someone saved a conflicting change at the same moment. Check the form and try again."))
    return False, None


def _next_url(request, default):
    """Go back where the user came from (a discipline or a person page), if that is on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _form_page(request, form, *, title, eyebrow, cancel_url, submit_label=None, intro=""):
    return _render(
        request,
        "disciplines/form.html",
        {
            "form": form,
            "title": title,
            "eyebrow": eyebrow,
            "intro": intro,
            "cancel_url": cancel_url,
            "submit_label": submit_label or _("Save"),
            "next": _next_url(request, ""),
        },
    )


def _confirm_page(request, form, *, title, question, cancel_url, removed=(), blockers=(), note="", confirm_label=None):
    return _render(
        request,
        "disciplines/confirm_delete.html",
        {
            "form": form,
            "title": title,
            "question": question,
            "note": note,
            "removed": removed,
            "blockers": blockers,
            "cancel_url": cancel_url,
            "confirm_label": confirm_label or _("Yes, delete"),
            "next": _next_url(request, ""),
        },
    )


def _person_name(user):
    return user.get_full_name() or user.get_username()


# --- Disciplines ------------------------------------------------------------------------


@reader_view
def discipline_list(request):
    return _render(request, "disciplines/discipline_list.html", {"disciplines": selectors.discipline_list()})


@reader_view
def discipline_detail(request, slug):
    discipline = get_object_or_404(selectors.discipline_list(), slug=slug)
    return _render(
        request,
        "disciplines/discipline_detail.html",
        {"discipline": discipline, "member_groups": page_queries.members_by_function(discipline)},
    )


@editor_view
def discipline_edit(request, slug=None):
    discipline = get_object_or_404(Discipline, slug=slug) if slug else None
    # The form works on a copy, so a refused change does not rename the page heading.
    form = DisciplineForm(_posted(request), instance=copy.copy(discipline) if discipline else None)
    if form.is_bound and form.is_valid():
        done, saved = _write(
            form, services.discipline_save, actor=request.user, discipline=form.instance, **form.cleaned_data
        )
        if done:
            messages.success(request, _("Saved the discipline “%(name)s”.") % {"name": saved.label})
            return redirect("disciplines:detail", slug=saved.slug)
    if discipline:
        title = _("Edit %(name)s") % {"name": discipline.label}
        cancel_url = reverse("disciplines:detail", args=[discipline.slug])
    else:
        title, cancel_url = _("Add discipline"), reverse("disciplines:list")
    return _form_page(request, form, title=title, eyebrow=_("Discipline"), cancel_url=cancel_url)


@editor_view
def discipline_delete(request, slug):
    discipline = get_object_or_404(Discipline, slug=slug)
    form = forms.Form(_posted(request))
    if form.is_bound:
        done, _result = _write(form, services.discipline_delete, actor=request.user, discipline=discipline)
        if done:
            messages.success(request, _("Deleted the discipline “%(name)s”.") % {"name": discipline.label})
            return redirect("disciplines:list")
    removed, blockers = page_queries.deletion_summary(discipline)
    return _confirm_page(
        request,
        form,
        title=_("Delete %(name)s") % {"name": discipline.label},
        question=_("Delete the discipline “%(name)s”? This cannot be undone.") % {"name": discipline.label},
        removed=removed,
        blockers=blockers,
        cancel_url=reverse("disciplines:detail", args=[discipline.slug]),
    )


# --- Application areas ------------------------------------------------------------------


@editor_view
def area_edit(request, slug, pk=None):
    discipline = get_object_or_404(Discipline, slug=slug)
    area = get_object_or_404(ApplicationArea, discipline=discipline, pk=pk) if pk else None
    form = ApplicationAreaForm(_posted(request), instance=copy.copy(area) if area else None)
    if form.is_bound and form.is_valid():
        done, saved = _write(
            form,
            services.area_save,
            actor=request.user,
            area=form.instance,
            discipline=discipline,
            **form.cleaned_data,
        )
        if done:
            messages.success(request, _("Saved the application area “%(title)s”.") % {"title": saved.label})
            return redirect("disciplines:detail", slug=discipline.slug)
    title = _("Edit application area") if area else _("Add application area")
    return _form_page(
        request,
        form,
        title=title,
        eyebrow=discipline.label,
        cancel_url=reverse("disciplines:detail", args=[discipline.slug]),
    )


@editor_view
def area_delete(request, slug, pk):
    area = get_object_or_404(ApplicationArea.objects.select_related("discipline"), discipline__slug=slug, pk=pk)
    form = forms.Form(_posted(request))
    if form.is_bound:
        done, _result = _write(form, services.area_delete, actor=request.user, area=area)
        if done:
            messages.success(request, _("Deleted the application area “%(title)s”.") % {"title": area.label})
            return redirect("disciplines:detail", slug=slug)
    return _confirm_page(
        request,
        form,
        title=_("Delete application area"),
        question=_("Delete the application area “%(title)s” of %(discipline)s?")
        % {"title": area.label, "discipline": area.discipline.label},
        cancel_url=reverse("disciplines:detail", args=[slug]),
    )


# --- People and memberships ---------------------------------------------------------------


@reader_view
def people(request):
    filterset = MembershipFilterSet(request.GET or None, queryset=Membership.objects.all())
    people = page_queries.people_in(filterset.qs).prefetch_related(*page_queries.person_details())
    page = KeysFirstPaginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, "disciplines/people.html", {"filter": filterset, "page_obj": page})


@reader_view
def person_detail(request, pk):
    person = get_object_or_404(page_queries.people_visible_to(request.user).select_related("expertise"), pk=pk)
    prefetch_related_objects([person], *page_queries.person_details())
    return _render(request, "disciplines/person_detail.html", {"person": person})


def _person_url(user):
    return reverse("disciplines:person", args=[user.pk])


@editor_view
def membership_edit(request, pk=None):
    membership = get_object_or_404(Membership.objects.select_related("user", "discipline"), pk=pk) if pk else None
    initial = {}
    if membership is None:
        # "Add member" links from a discipline or a person fill in what they already know.
        slug = request.GET.get("discipline")
        if slug:
            initial["discipline"] = Discipline.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if request.GET.get("user", "").isdigit():
            initial["user"] = int(request.GET["user"])
    form = MembershipForm(_posted(request), instance=copy.copy(membership) if membership else None, initial=initial)
    if form.is_bound and form.is_valid():
        done, saved = _write(
            form, services.membership_save, actor=request.user, membership=form.instance, **form.cleaned_data
        )
        if done:
            messages.success(
                request,
                _("Saved the membership: %(person)s, %(function)s, %(discipline)s.")
                % {
                    "person": _person_name(saved.user),
                    "function": saved.get_function_display(),
                    "discipline": saved.discipline.label,
                },
            )
            return redirect(_next_url(request, _person_url(saved.user)))
    if membership:
        title = _("Edit membership of %(person)s") % {"person": _person_name(membership.user)}
        cancel_url = _person_url(membership.user)
    else:
        title, cancel_url = _("Add membership"), reverse("disciplines:people")
    return _form_page(
        request,
        form,
        title=title,
        eyebrow=_("People"),
        cancel_url=_next_url(request, cancel_url),
        intro=_("A membership makes someone an expert, manager or communicator of a discipline."),
    )


@editor_view
def membership_delete(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user", "discipline"), pk=pk)
    person_url = _person_url(membership.user)
    form = forms.Form(_posted(request))
    if form.is_bound:
        done, _result = _write(form, services.membership_delete, actor=request.user, membership=membership)
        if done:
            messages.success(request, _("Removed the membership."))
            return redirect(_next_url(request, person_url))
    values = {
        "person": _person_name(membership.user),
        "function": membership.get_function_display(),
        "discipline": membership.discipline.label,
    }
    return _confirm_page(
        request,
        form,
        title=_("Remove membership"),
        question=_("Remove the membership of %(person)s in %(discipline)s (%(function)s)?") % values,
        note=_("If it is their last membership with the function %(function)s, they also lose that role.") % values,
        cancel_url=_next_url(request, person_url),
        confirm_label=_("Yes, remove"),
    )


# --- Expertise and absences -----------------------------------------------------------------


@editor_view
def expertise_edit(request, pk):
    person = get_object_or_404(page_queries.people_visible_to(request.user), pk=pk)
    expertise = Expertise.objects.filter(user=person).first()
    initial = {"tags": ", ".join(expertise.tags), "profile": expertise.profile} if expertise else {}
    form = ExpertiseForm(_posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        done, _result = _write(form, services.expertise_save, actor=request.user, user=person, **form.cleaned_data)
        if done:
            messages.success(request, _("Saved the expertise of %(person)s.") % {"person": _person_name(person)})
            return redirect(_person_url(person))
    return _form_page(
        request,
        form,
        title=_("Expertise of %(person)s") % {"person": _person_name(person)},
        eyebrow=_("People"),
        cancel_url=_person_url(person),
        intro=_("Routing matches the topic tags with the topics of expert input requests."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def recognition_edit(request):
    """The signed-in person's own consent to be named in recognition (nobody else's)."""
    expertise = Expertise.objects.filter(user=request.user).first()
    initial = {"recognition_opt_in": bool(expertise and expertise.recognition_opt_in)}
    form = RecognitionForm(_posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        done, saved = _write(
            form,
            services.recognition_opt_in_set,
            actor=request.user,
            user=request.user,
            opt_in=form.cleaned_data["recognition_opt_in"],
        )
        if done:
            if saved.recognition_opt_in:
                messages.success(request, _("Saved: the dashboard names you beside your thanked contributions."))
            else:
                messages.success(request, _("Saved: the dashboard does not name you."))
            return redirect(_person_url(request.user))
    return _form_page(
        request,
        form,
        title=_("Recognition"),
        eyebrow=_("People"),
        cancel_url=_person_url(request.user),
        intro=_("Your expert work is shown per discipline; your name appears only if you agree here."),
    )


@editor_view
def absence_create(request, pk):
    person = get_object_or_404(page_queries.people_visible_to(request.user), pk=pk)
    form = AbsenceForm(_posted(request), person=person)
    if form.is_bound and form.is_valid():
        done, _result = _write(form, services.absence_save, actor=request.user, user=person, **form.cleaned_data)
        if done:
            messages.success(request, _("Added the absence of %(person)s.") % {"person": _person_name(person)})
            return redirect(_person_url(person))
    return _form_page(
        request,
        form,
        title=_("Add absence for %(person)s") % {"person": _person_name(person)},
        eyebrow=_("People"),
        cancel_url=_person_url(person),
        intro=_("Nobody is asked for expert input while they are away."),
    )


@editor_view
def absence_delete(request, pk, absence_pk):
    absence = get_object_or_404(Absence.objects.select_related("user"), pk=absence_pk, user_id=pk)
    person_url = _person_url(absence.user)
    form = forms.Form(_posted(request))
    if form.is_bound:
        done, _result = _write(form, services.absence_delete, actor=request.user, absence=absence)
        if done:
            messages.success(request, _("Deleted the absence."))
            return redirect(person_url)
    return _confirm_page(
        request,
        form,
        title=_("Delete absence"),
        question=_("Delete the absence of %(person)s from %(start)s to %(end)s?")
        % {
            "person": _person_name(absence.user),
            "start": date_format(absence.starts_on),
            "end": date_format(absence.ends_on),
        },
        cancel_url=person_url,
    )
