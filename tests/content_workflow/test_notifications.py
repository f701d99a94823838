"""In-app notifications and e-mail: immediately, as a daily digest, or not at all."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from content_workflow import services, tasks
from content_workflow.models import Notification, NotificationPreference, Status
from content_workflow.services.notifications import notify


@pytest.fixture
def note(team):
    def send(user=None, **fields):
        return notify(
            recipient=user or team.expert,
            kind=Notification.Kind.REMINDER,
            params={"title": "Pricing explained", "due": "2031-03-10"},
            link="/requests/1/",
            **fields,
        )

    return send


def test_an_immediate_email_goes_after_commit_with_a_full_link(note, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://governance.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        notification = note()
        assert mail.outbox == []  # not before the commit
    [message] = mail.outbox
    assert message.to == ["eva@example.com"]
    assert "Reminder" in message.subject
    assert "https://governance.example.com/requests/1/" in message.body
    notification.refresh_from_db()
    assert notification.email_state == Notification.Email.SENT and notification.emailed_at is not None


def test_the_email_task_sends_once_however_often_it_runs(note, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = note()
    tasks.send_notification_email.delay(notification.pk)
    services.notification_email_send(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_in_app_only(note, team, django_capture_on_commit_callbacks):
    services.notification_preference_set(actor=team.expert, email=NotificationPreference.Email.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        notification = note()
    assert mail.outbox == []
    assert notification.email_state == Notification.Email.NONE
    assert Notification.objects.visible_to(team.expert).unread().count() == 1


def test_a_failing_mail_server_is_retried_then_given_up(note, monkeypatch):
    notification = note()

    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("content_workflow.services.notifications.send_mail", broken)
    for _ in range(5):
        assert services.notification_email_send(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert (notification.email_state, notification.email_attempts) == (Notification.Email.FAILED, 5)


def test_emails_whose_message_was_lost_are_sent_again(note, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2031, 3, 3, 9, tzinfo=ZoneInfo("Europe/Berlin")), tick=False) as clock:
        note()  # the send task's message is lost (never run here)
        clock.shift(datetime.timedelta(minutes=9))
        assert services.lost_emails_resend() == 0  # its task may just be late
        clock.shift(datetime.timedelta(minutes=2))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.lost_emails_resend() == 1
    assert len(mail.outbox) == 1


def test_a_daily_digest(note, team):
    services.notification_preference_set(actor=team.expert, email=NotificationPreference.Email.DIGEST)
    berlin = ZoneInfo("Europe/Berlin")
    with time_machine.travel(datetime.datetime(2031, 3, 3, 6, tzinfo=berlin), tick=False) as clock:
        note()
        note()
        assert services.digests_send() == 0  # before the digest hour
        clock.move_to(datetime.datetime(2031, 3, 3, 7, 5, tzinfo=berlin))
        assert services.digests_send() == 1
        assert services.digests_send() == 0  # once a day
        note()
        assert services.digests_send() == 0  # the next one tomorrow
        clock.move_to(datetime.datetime(2031, 3, 4, 7, 5, tzinfo=berlin))
        assert tasks.send_digests.delay().get() == 1
    first, second = mail.outbox
    assert "2 new notifications" in first.subject
    assert first.body.count("Reminder") == 2
    assert "1 new notification" in second.subject and "notifications" not in second.subject
    assert not Notification.objects.filter(email_state=Notification.Email.DIGEST).exists()


def test_a_preference_must_be_one_of_the_choices(team):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.notification_preference_set(actor=team.expert, email="pigeon")


def test_the_same_periodic_notice_is_stored_once(note):
    assert note(dedupe_key="reminder:1") is not None
    assert note(dedupe_key="reminder:1") is None
    assert Notification.objects.count() == 1


def test_mark_all_read(in_state, team):
    in_state(Status.COMPLETED)
    assert services.notifications_mark_all_read(actor=team.requester) == 2
    assert not Notification.objects.filter(recipient=team.requester, read_at__isnull=True).exists()
