"""The weekly digest: every Monday, each executive and manager gets the past week's
figures for what they oversee, in their language (issue 8).

- Who: executives (all disciplines) and discipline managers (their disciplines), active,
  with an e-mail address, who have not switched it off on their profile.
- What: the figures of `reporting.summary` for the week Monday to Sunday, each with the
  change against the week before as the dashboard words it (`reporting.changes`);
  requests past their due date now; the decisions waiting for them (allocation
  requests to decide, disciplines without an approved budget for next month); links to
  the pages behind each.
- When: `weekly_digests_send` runs hourly (Celery beat); from DIGEST_HOUR on Monday it
  sends what is due. Idempotent per person and week: the profile row is locked and
  records the week sent (`UserProfile.weekly_digest_week`), in the transaction that
  sends, so two workers, a retry or a missed Monday never send a week twice. A failed
  send rolls back and is tried again an hour later.

Cost: a fixed number of queries per recipient (two summaries, the health counts, one
count of allocations), whatever the data size; the summaries use reporting's indexes.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from content_workflow.models import TimeAllocationRequest
from content_workflow.permissions import managed_discipline_ids
from disciplines.models import Discipline, Membership
from governance import reporting
from governance.access import Role
from governance.accounts import preferred_language
from governance.models import UserProfile

logger = logging.getLogger("governance.digest")

DIGEST_HOUR = getattr(settings, "CONTENT_WORKFLOW_DIGEST_HOUR", 7)  # local time, as the daily digest
# Figures that are a snapshot of now, not of the week: shown without a comparison.
NOW_KEYS = ("requests_open", "requests_delivered_now", "requests_overdue")


def digest_week(now=None):
    """(Monday of this week, the Period of last week) once Monday's DIGEST_HOUR has come;
    (Monday, None) before it."""
    local = timezone.localtime(now or timezone.now())
    monday = local.date() - datetime.timedelta(days=local.weekday())
    if local.date() == monday and local.hour < DIGEST_HOUR:
        return monday, None
    return monday, reporting.Period(monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1))


def recipients(monday):
    """Executives and managers due a digest for the week of `monday`."""
    overseers = Q(groups__name=Role.EXECUTIVE.value) | Q(memberships__function=Membership.Function.MANAGER)
    switched_off = Q(profile__weekly_digest=False)
    sent = Q(profile__weekly_digest_week__gte=monday)
    users = get_user_model().objects.filter(overseers, is_active=True).exclude(email="")
    return users.exclude(switched_off | sent).distinct().order_by("pk")


def weekly_digests_send(*, now=None):
    """Send every digest due now; returns how many went out. Cheap when none are due."""
    monday, week = digest_week(now)
    if week is None:
        return 0
    sent = 0
    for user_id in recipients(monday).values_list("pk", flat=True):
        try:
            sent += _send_one(user_id, monday, week)
        except Exception:
            # One person's failure (a mail server hiccup) must not stop the others; the
            # week stays unsent for them, so the next hourly run tries again.
            logger.exception("could not send the weekly digest to user %s", user_id)
    return sent


def _send_one(user_id, monday, week):
    UserProfile.objects.get_or_create(user_id=user_id)
    with transaction.atomic():
        profile = UserProfile.objects.select_for_update(of=("self",)).select_related("user").get(user_id=user_id)
        if not profile.weekly_digest or (profile.weekly_digest_week and profile.weekly_digest_week >= monday):
            return 0  # switched off, or another worker sent it while we waited for the lock
        user = profile.user
        user.profile = profile
        digest = build(user, week)
        if digest is None:
            return 0  # manages nothing (any more): nothing to report
        with translation.override(preferred_language(user)):
            subject, body = render(digest)
        send_mail(subject, body, None, [user.email])
        profile.weekly_digest_week = monday
        profile.save(update_fields=["weekly_digest_week"])
    return 1


# --- What a digest holds ---------------------------------------------------------------------


@dataclass
class Digest:
    user: object
    week: reporting.Period
    scope: reporting.Scope
    disciplines: list  # names, when the scope is not everything
    week_figures: list  # reporting.Figure of the week
    changes: dict  # {key: reporting.Change} against the week before
    now_figures: list  # snapshots of now
    overdue: int
    allocations: int  # allocation requests waiting for the user's decision
    budgets_missing: int  # disciplines without an approved budget for next month
    next_month: datetime.date
    links: dict


def _scope(user):
    if user.groups.filter(name=Role.EXECUTIVE.value).exists():
        return reporting.Scope.everything()
    return reporting.Scope.of(managed_discipline_ids(user))


def build(user, week, *, today=None):
    """The digest of `user` for `week`, or None when their scope is empty."""
    today = today or timezone.localdate()
    scope = _scope(user)
    if not scope.is_everything and not scope.discipline_ids:
        return None
    current = reporting.summary(week, scope, today=today)
    changes = reporting.changes(week, scope, current)
    health = reporting.model_health(scope, today=today).values()
    acting = managed_discipline_ids(user)  # an executive who manages nothing decides no allocations
    allocations = 0
    if acting:
        allocations = TimeAllocationRequest.objects.filter(
            discipline_id__in=acting, status__in=TimeAllocationRequest.PENDING
        ).count()
    names = []
    if not scope.is_everything:
        names = [str(d) for d in Discipline.objects.filter(pk__in=scope.discipline_ids).order_by("position", "name")]
    return Digest(
        user=user,
        week=week,
        scope=scope,
        disciplines=names,
        week_figures=[figure for key, figure in current.items() if key not in NOW_KEYS],
        changes=changes,
        now_figures=[current[key] for key in NOW_KEYS if key in current and key != "requests_overdue"],
        overdue=health.get("requests_overdue", 0),
        allocations=allocations,
        budgets_missing=health.get("health_budgets_missing", 0),
        next_month=reporting.next_month(today),
        links=_links(scope),
    )


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _links(scope):
    from governance.templatetags.governance_figures import health_url

    next_month = reporting.next_month(timezone.localdate())
    return {
        "dashboard": _absolute(reverse("home")),
        "overdue": _absolute(health_url("requests_overdue", scope, next_month)),
        "allocations": _absolute(reverse("content_workflow:allocation_list")),
        "budgets": _absolute(reverse("health", args=["budgets"])),
        "profile": _absolute(reverse("profile")),
    }


# --- Writing it ------------------------------------------------------------------------------


def render(digest):
    """(subject, body) in the active language."""
    from governance.templatetags.governance_figures import change_text, figure_value

    subject = _("[Social media governance] Your week: %(week)s") % {"week": week_label(digest.week)}
    lines = [
        (figure.label, figure_value(figure), change_text(digest.changes, figure)) for figure in digest.week_figures
    ]
    now = [(figure.label, figure_value(figure)) for figure in digest.now_figures]
    body = render_to_string(
        "governance/email/weekly_digest.txt",
        {"digest": digest, "week": week_label(digest.week), "lines": lines, "now": now},
    )
    return subject, body


def week_label(period):
    return _("%(start)s to %(end)s") % {
        "start": date_format(period.start, "DATE_FORMAT"),
        "end": date_format(period.end, "DATE_FORMAT"),
    }
