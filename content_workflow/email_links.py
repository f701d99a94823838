"""One-click links in e-mails to experts: accept, decline, open the input form.

Experts are the part of the company that does not write for a living; every extra sign-in
costs willingness (issue 11). So the e-mail that asks them for input carries links that
work without signing in, for exactly one action on exactly one request (or, approving
a content piece's final check, one check):

- **Signed** with Django's signing and a salt of their own (`SALT`), so they cannot be
  made or changed outside the app; the payload binds the user, the request and the
  action, plus a random nonce.
- **Expiring** after `EMAIL_LINK_MAX_AGE_DAYS` (7 by default).
- **Single-use**: using one claims its nonce as a `SubmissionToken` (the one-time token
  table of the create forms) in the same transaction as the action, so two clicks, or a
  forwarded e-mail used twice, act once. A failed action rolls the claim back.
- **Bound to the person**: signed in as somebody else, the link is refused. Signed out,
  it acts as the person it was sent to, for that action only; the timeline says "by
  e-mail link".
- **Safe to open**: a GET only shows what the link will do, with one button; the action
  is a POST. Mail scanners that open every link in a message act on nothing.

    url = action_url(user.pk, request.pk, ACCEPT)   # absolute, for the e-mail
    link = read(token)                          # EmailLink, or raises LinkProblem
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from content_workflow.models import SubmissionToken
from content_workflow.services.requests import event_channel

SALT = "content_workflow.email-link"
ACCEPT, DECLINE, DELIVER = "accept", "decline", "deliver"  # on a request
APPROVE_CHECK = "approve_check"  # on a final check
ACTIONS = (ACCEPT, DECLINE, DELIVER, APPROVE_CHECK)
KIND_PREFIX = "email_link:"  # SubmissionToken.kind of a used link
VIA_EMAIL_LINK = "email_link"  # RequestEvent.data["via"] of what a link did


def max_age():
    return timedelta(days=settings.EMAIL_LINK_MAX_AGE_DAYS)


def make_token(user_id, object_id, action):
    payload = {"u": user_id, "r": object_id, "a": action, "n": uuid.uuid4().hex}
    return signing.dumps(payload, salt=SALT)


def action_url(user_id, object_id, action):
    """The absolute URL of a one-click link for the e-mail: `object_id` is the request's,
    or the final check's for APPROVE_CHECK."""
    path = reverse("content_workflow:email_link", args=[make_token(user_id, object_id, action)])
    return settings.SITE_URL.rstrip("/") + path


class LinkProblem(Exception):
    """Why a link cannot be used: `code` is expired, invalid, used or someone_else."""

    MESSAGES = {
        "expired": _("This link has expired: links in our e-mails work for %(days)s days."),
        "invalid": _("This link is not complete or was changed, so it cannot be used."),
        "used": _("This link has been used already: each link works once."),
        "someone_else": _("This link was sent to someone else. Sign out first, or use your own link."),
    }

    def __init__(self, code, link=None):
        super().__init__(code)
        self.code = code
        self.link = link  # known for "used" and "someone_else"

    @property
    def message(self):
        return str(self.MESSAGES[self.code]) % {"days": settings.EMAIL_LINK_MAX_AGE_DAYS}


@dataclass(frozen=True)
class EmailLink:
    user_id: int
    object_id: int  # the request, or the final check for APPROVE_CHECK
    action: str
    nonce: str

    @property
    def kind(self):
        return KIND_PREFIX + self.action

    def user(self):
        return get_user_model().objects.filter(pk=self.user_id, is_active=True).first()


def read(token, *, viewer=None):
    """The link of `token`, checked: signature, age, not used, and not someone else's
    (`viewer`: who opens it, if signed in). Raises LinkProblem."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    try:
        link = EmailLink(int(payload["u"]), int(payload["r"]), str(payload["a"]), str(payload["n"]))
    except (KeyError, TypeError, ValueError):
        raise LinkProblem("invalid") from None
    if link.action not in ACTIONS or len(link.nonce) != 32:
        raise LinkProblem("invalid")
    if viewer is not None and viewer.is_authenticated and viewer.pk != link.user_id:
        raise LinkProblem("someone_else", link)
    if SubmissionToken.objects.filter(token=link.nonce).exists():
        raise LinkProblem("used", link)
    return link


@contextmanager
def used(link):
    """Claim the link inside the caller's transaction, and mark what happens in it as done
    by e-mail link. Raises LinkProblem("used") when it was used meanwhile."""
    try:
        with transaction.atomic():
            SubmissionToken.objects.create(
                token=link.nonce, user_id=link.user_id, kind=link.kind, object_id=link.object_id
            )
    except IntegrityError:
        raise LinkProblem("used", link) from None
    with event_channel(VIA_EMAIL_LINK):
        yield
