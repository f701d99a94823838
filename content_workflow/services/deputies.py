"""Deputies for absent managers, granted through django-guardian for the absence's dates.

An absence with a deputy (disciplines.Absence) makes the deputy act for the absent
manager: approvals and escalations go to them. The grant is a guardian object
permission `approve_timebudget` on the discipline's budgets of the absence's months, and
a `DeputyGrant` row for the audit trail. Permission checks also require the grant's
dates to include today, so the right ends with the absence even before the hourly
sync takes the guardian rows back.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from guardian.shortcuts import assign_perm

from content_workflow.models import DeputyGrant, Notification, TimeBudget, TimeBudgetUserObjectPermission
from content_workflow.permissions import APPROVE_BUDGET, month_start
from content_workflow.planning import budget_months
from disciplines.models import Absence, Membership

PERMISSION = f"content_workflow.{APPROVE_BUDGET}"


def _months(starts_on, ends_on):
    """The grant's months that budgets may be planned for: an absence until 9999-12-31
    neither runs off the calendar nor creates a budget for every month until then."""
    first, last = budget_months()
    month, last = max(month_start(starts_on), first), min(month_start(ends_on), last)
    while month <= last:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _grant_budgets(grant):
    for month in _months(grant.starts_on, grant.ends_on):
        budget, _created = TimeBudget.objects.get_or_create(discipline_id=grant.discipline_id, month=month)
        assign_perm(PERMISSION, grant.deputy, budget)  # idempotent: guardian uses get_or_create


def _take_back_budgets(grant):
    TimeBudgetUserObjectPermission.objects.filter(
        user_id=grant.deputy_id,
        permission__codename=APPROVE_BUDGET,
        content_object__discipline_id=grant.discipline_id,
        content_object__month__range=(month_start(grant.starts_on), grant.ends_on),
    ).delete()


@transaction.atomic
def deputy_grant_ensure(*, absence, discipline_id, today=None):
    """The live grant for `absence` in one discipline, created (and announced) if missing."""
    from content_workflow.notification_texts import bilingual_param, date_param
    from content_workflow.services.notifications import display_name, notify

    grant = DeputyGrant.objects.filter(
        absence=absence, discipline_id=discipline_id, deputy_id=absence.deputy_id, revoked_at__isnull=True
    ).first()
    if grant is not None:
        if (grant.starts_on, grant.ends_on) != (absence.starts_on, absence.ends_on):
            _take_back_budgets(grant)
            grant.starts_on, grant.ends_on = absence.starts_on, absence.ends_on
            grant.save(update_fields=["starts_on", "ends_on"])
            _grant_budgets(grant)
        return grant
    try:
        with transaction.atomic():
            grant = DeputyGrant.objects.create(
                absence=absence,
                manager_id=absence.user_id,
                deputy_id=absence.deputy_id,
                discipline_id=discipline_id,
                starts_on=absence.starts_on,
                ends_on=absence.ends_on,
            )
    except IntegrityError:
        # Another worker granted it at the same moment (escalations run in parallel).
        return DeputyGrant.objects.get(
            absence=absence, discipline_id=discipline_id, deputy_id=absence.deputy_id, revoked_at__isnull=True
        )
    _grant_budgets(grant)
    notify(
        recipient=absence.deputy,
        kind=Notification.Kind.DEPUTY,
        params={
            "manager": display_name(absence.user),
            "discipline": bilingual_param(grant.discipline),
            "start": date_param(grant.starts_on),
            "end": date_param(grant.ends_on),
        },
        link="",
        dedupe_key=f"deputy:{grant.pk}",
    )
    return grant


@transaction.atomic
def deputy_grant_revoke(*, grant):
    if DeputyGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        _take_back_budgets(grant)
        # Another live grant of the same deputy may cover some of those months.
        for other in DeputyGrant.objects.filter(
            deputy_id=grant.deputy_id, discipline_id=grant.discipline_id, revoked_at__isnull=True
        ):
            _grant_budgets(other)


def deputy_grants_sync(*, today=None):
    """Grant deputies for absences running today; take back grants whose absence ended,
    went away or changed its deputy. Idempotent; two small queries when nothing changes."""
    today = today or timezone.localdate()
    revoked = 0
    stale = DeputyGrant.objects.filter(revoked_at__isnull=True).filter(
        Q(absence__isnull=True) | Q(ends_on__lt=today) | ~Q(absence__deputy_id=F("deputy_id"))
    )
    for grant in stale:
        deputy_grant_revoke(grant=grant)
        revoked += 1
    granted = 0
    running = Absence.objects.filter(starts_on__lte=today, ends_on__gte=today, deputy__isnull=False)
    manages = Membership.objects.filter(user_id__in=running.values("user_id"), function=Membership.Function.MANAGER)
    by_user = {}
    for membership in manages:
        by_user.setdefault(membership.user_id, []).append(membership.discipline_id)
    for absence in running.filter(user_id__in=list(by_user)).select_related("user", "deputy"):
        for discipline_id in by_user[absence.user_id]:
            before = DeputyGrant.objects.filter(absence=absence, discipline_id=discipline_id, revoked_at__isnull=True)
            if not before.exists():
                granted += 1
            deputy_grant_ensure(absence=absence, discipline_id=discipline_id, today=today)
    return {"granted": granted, "revoked": revoked}
