"""In-app notifications, and e-mail for each or a daily digest, as each person chooses.

A notification is written in the same transaction as the change it reports; its e-mail
goes out after the commit, from a task that locks the row, so a retried task never
sends the same notification twice.

A notification stores its kind and `params` (what happened), never a sentence: the
inbox and the API render it in the reader's language, an e-mail in the recipient's
preferred language (`content_workflow.notification_texts`).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from content_workflow.models import Notification, NotificationPreference
from content_workflow.models.messages import person_ref
from content_workflow.transitions import Status
from disciplines.models import Absence, Membership
from governance.accounts import preferred_language
from governance.transactions import enqueue_on_commit

logger = logging.getLogger("content_workflow.notifications")

MAX_EMAIL_ATTEMPTS = getattr(settings, "CONTENT_WORKFLOW_MAX_EMAIL_ATTEMPTS", 5)
DIGEST_HOUR = getattr(settings, "CONTENT_WORKFLOW_DIGEST_HOUR", 7)  # local time


def request_link(request):
    """The path of a request's page (the pages may not be wired yet: a stable fallback)."""
    try:
        return reverse("content_workflow:request_detail", args=[request.pk])
    except NoReverseMatch:
        return f"/requests/{request.pk}/"


def with_email_choice(users):
    """`users` (a queryset) with their e-mail choice read along, so `notify` needs no
    query of its own for them (routing notifies on every request)."""
    chosen = NotificationPreference.objects.filter(user=OuterRef("pk")).values("email")[:1]
    return users.annotate(email_choice=Subquery(chosen))


def email_choice(user):
    if hasattr(user, "email_choice"):  # read along by with_email_choice
        choice = user.email_choice
    else:
        choice = NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
    return choice or NotificationPreference.Email.IMMEDIATE


def notify(*, recipient, kind, params, request=None, link=None, dedupe_key=None):
    """Store one notification for `recipient`; its e-mail (if wanted) goes after commit.

    `params` are what the sentence of `kind` needs, as display values (see
    `content_workflow.notification_texts`): the text itself is rendered when read.
    With a `dedupe_key` the same notification is stored once, however often it is
    asked for. Returns the notification, or None when it existed already.
    """
    choice = email_choice(recipient)
    if choice == NotificationPreference.Email.DIGEST:
        state = Notification.Email.DIGEST
    elif choice == NotificationPreference.Email.IMMEDIATE and recipient.email:
        state = Notification.Email.PENDING
    else:
        state = Notification.Email.NONE
    if link is None:
        link = request_link(request) if request is not None else ""
    fields = {
        "recipient": recipient,
        "kind": kind,
        "params": params,
        "link": link,
        "request": request,
        "email_state": state,
        "dedupe_key": dedupe_key,
    }
    if dedupe_key is None:
        # Nothing unique to collide with: no savepoint needed (two queries fewer).
        notification = Notification.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(**fields)
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=dedupe_key).exists():
                return None
            raise
    if state == Notification.Email.PENDING:
        from content_workflow import tasks

        enqueue_on_commit(tasks.send_notification_email, notification.pk)
    return notification


def manager_recipients(discipline, *, today=None):
    """Who gets a discipline manager's mail today: each manager, or their deputy while
    they are away (the deputy is granted the right to act for those dates).

    Returns [(recipient, absent manager or None)], each recipient once.
    """
    from content_workflow.services.deputies import deputy_grant_ensure

    today = today or timezone.localdate()
    discipline_id = getattr(discipline, "pk", discipline)
    managers = list(
        Membership.objects.filter(
            discipline_id=discipline_id, function=Membership.Function.MANAGER, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    absences = {
        absence.user_id: absence
        for absence in Absence.objects.filter(
            user_id__in=[m.user_id for m in managers], starts_on__lte=today, ends_on__gte=today
        ).select_related("deputy")
    }
    recipients, seen = [], set()
    for membership in managers:
        absence = absences.get(membership.user_id)
        if absence and absence.deputy_id and absence.deputy.is_active:
            deputy_grant_ensure(absence=absence, discipline_id=discipline_id, today=today)
            pair = (absence.deputy, membership.user)
        else:
            pair = (membership.user, None)
        if pair[0].pk not in seen:
            seen.add(pair[0].pk)
            recipients.append(pair)
    if not recipients:
        logger.warning("discipline %s has no manager to notify", discipline_id)
    return recipients


def notify_managers(discipline, *, kind, params, request=None, dedupe_key=None, today=None):
    """Notify the discipline's managers (deputies for the absent ones); returns who was
    reached, for the request's timeline: people by id (`person`), a deputy with whom they
    stand in for. A deputy's notification says whom they stand in for (`deputy_for`)."""
    reached = []
    for recipient, absent in manager_recipients(discipline, today=today):
        own = dict(params)
        if absent is not None:
            own["deputy_for"] = display_name(absent)
            reached.append(person_ref(recipient, deputy_of=absent))
        else:
            reached.append(person_ref(recipient))
        notify(
            recipient=recipient,
            kind=kind,
            params=own,
            request=request,
            dedupe_key=f"{dedupe_key}:{recipient.pk}" if dedupe_key else None,
        )
    return reached


def display_name(user):
    return user.get_full_name() or user.get_username()


# --- Reading and preferences --------------------------------------------------------------


def notification_mark_read(*, notification, actor):
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This is someone else's notification."))
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
    return notification


def notifications_mark_all_read(*, actor):
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def notification_preference_set(*, actor, email):
    if email not in NotificationPreference.Email.values:
        raise ValidationError({"email": _("Choose one of the offered options.")})
    preference, _created = NotificationPreference.objects.update_or_create(user=actor, defaults={"email": email})
    return preference


# --- E-mail ---------------------------------------------------------------------------------
# Subjects and bodies are rendered under `translation.override(preferred_language(...))`:
# in the recipient's language, whoever's request (or worker) sends them.


def _subject(text):
    return _("[Social media governance] %(text)s") % {"text": text if len(text) <= 80 else text[:77] + "…"}


def _action_lines(notification):
    """One-click links for the expert a request is with (content_workflow/email_links.py):
    accept or decline while it is assigned to them, the input form once accepted; and
    approving a final check that waits for them."""
    from content_workflow import email_links

    if notification.kind == Notification.Kind.FINAL_CHECK and notification.params.get("check"):
        from content_workflow.models import FinalCheck

        check = FinalCheck.objects.filter(pk=notification.params["check"], verdict=FinalCheck.Verdict.PENDING).first()
        if check is None or check.expert_id != notification.recipient_id:
            return []
        url = email_links.action_url(notification.recipient_id, check.pk, email_links.APPROVE_CHECK)
        return [f"{_('Approve the final check')}: {url}"]
    request = notification.request
    if request is None or request.assignee_id != notification.recipient_id:
        return []
    if request.status == Status.ASSIGNED:
        actions = [(email_links.ACCEPT, _("Accept")), (email_links.DECLINE, _("Decline"))]
    elif request.status == Status.ACCEPTED:
        actions = [(email_links.DELIVER, _("Deliver your input"))]
    else:
        return []
    user_id = notification.recipient_id
    return [f"{label}: {email_links.action_url(user_id, request.pk, action)}" for action, label in actions]


def _body(notifications):
    lines = []
    for notification in notifications:
        lines.append(notification.text)
        if notification.link:
            lines.append(notification.absolute_link)
        lines.extend(_action_lines(notification))
        lines.append("")
    lines.append(_("You get these e-mails because of your notification settings in the governance manager."))
    return "\n".join(lines)


def notification_email(notification):
    """(subject, body) of one notification's e-mail, in its recipient's language."""
    with translation.override(preferred_language(notification.recipient)):
        return _subject(notification.text), _body([notification])


def digest_email(user, notifications):
    """(subject, body) of a digest, in `user`'s language."""
    with translation.override(preferred_language(user)):
        subject = ngettext(
            "[Social media governance] %(count)s new notification",
            "[Social media governance] %(count)s new notifications",
            len(notifications),
        ) % {"count": len(notifications)}
        return subject, _body(notifications)


def notification_email_send(*, notification_id):
    """Send the e-mail of one notification, at most once. Returns True if it went out.

    The row lock keeps a second worker waiting; it then sees the e-mail as sent. A
    failure leaves it to send again later (the sweeper re-enqueues), up to a limit.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient__profile", "request")
            .filter(pk=notification_id, email_state=Notification.Email.PENDING)
            .first()
        )
        if notification is None:
            return False
        try:
            subject, body = notification_email(notification)
            send_mail(subject, body, None, [notification.recipient.email])
        except Exception:
            logger.exception("could not send notification %s", notification_id)
            notification.email_attempts += 1
            if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
                notification.email_state = Notification.Email.FAILED
            notification.save(update_fields=["email_attempts", "email_state"])
            return False
        notification.email_state = Notification.Email.SENT
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_state", "emailed_at"])
    return True


def digests_send(*, now=None):
    """Once a day (from DIGEST_HOUR local time), one e-mail per person with everything
    queued for their digest. Safe to run often and on two workers: cheap when empty."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < DIGEST_HOUR:
        return 0
    today = local.date()
    waiting = Notification.objects.filter(recipient=OuterRef("pk"), email_state=Notification.Email.DIGEST)
    user_ids = list(get_user_model().objects.filter(Exists(waiting)).values_list("pk", flat=True))
    sent = 0
    for user_id in user_ids:
        sent += _digest_send_one(user_id, today)
    return sent


def _digest_send_one(user_id, today):
    NotificationPreference.objects.get_or_create(user_id=user_id)
    with transaction.atomic():
        preference = (
            NotificationPreference.objects.select_for_update(of=("self",))
            .select_related("user__profile")
            .get(user_id=user_id)
        )
        if preference.digest_sent_on == today:
            return 0
        items = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("request")
            .filter(recipient_id=user_id, email_state=Notification.Email.DIGEST)
            .order_by("created_at", "pk")
        )
        if not items:
            return 0
        if preference.user.email:
            subject, body = digest_email(preference.user, items)
            send_mail(subject, body, None, [preference.user.email])
            state = Notification.Email.SENT
        else:
            state = Notification.Email.NONE
        Notification.objects.filter(pk__in=[item.pk for item in items]).update(
            email_state=state, emailed_at=timezone.now()
        )
        preference.digest_sent_on = today
        preference.save(update_fields=["digest_sent_on"])
    return 1
