"""One-time tokens for create forms: a form sent twice creates one thing.

Back, then submit again, and the browser sends the restored form a second time; a double
click or a reload does the same. Each create form therefore carries a hidden, signed,
random token (`OnceForm`). The view claims it with `submission_claim` inside the
transaction that creates the object, and records what it made with
`submission_record`:

    with transaction.atomic():
        claim = submission_claim(form, user=request.user, kind="request_create")
        item = services.request_create(...)
        submission_record(claim, item)

The claim is an INSERT on a unique column, so two posts of one form cannot both get
through, even at the same moment on two web processes (the second waits for the first
to commit and then fails on the index). The second post raises `AlreadySubmitted`,
carrying the object the first post made, and the view answers with that object and a
message instead of a duplicate. A post that fails (a form error, a refused transition)
rolls its claim back with everything else, so the corrected form can be sent.

Tokens are signed with a timestamp and live `SUBMISSION_TOKEN_MAX_AGE_HOURS`: an older
form is refused with a message and a fresh token (check and send again), which is what
makes it safe for `submission_tokens_expire` to delete older claims. A post without a
token (a script, an old page) is not guarded; the API has its own idempotency keys.
"""

import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content_workflow.models import SubmissionToken

SALT = "content_workflow.submission"
FIELD = "submission_token"


def max_age():
    return timedelta(hours=settings.SUBMISSION_TOKEN_MAX_AGE_HOURS)


def new_token():
    return signing.TimestampSigner(salt=SALT).sign(uuid.uuid4().hex)


class AlreadySubmitted(Exception):
    """The form was sent before; `object_id` is what that post made (None: unknown)."""

    def __init__(self, object_id=None):
        super().__init__(object_id)
        self.object_id = object_id


class OnceForm(forms.Form):
    """A form with a one-time token. `cleaned_data["submission_token"]` is the token's
    random part (None when the post had none)."""

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD].initial = new_token()

    def _fresh_token(self):
        """Render a new token in the re-shown form (the posted one is spent or spoilt)."""
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = new_token()

    def clean(self):
        data = super().clean()
        value = data.get(FIELD)
        data[FIELD] = None
        if value:
            try:
                data[FIELD] = signing.TimestampSigner(salt=SALT).unsign(value, max_age=max_age())
            except signing.SignatureExpired:
                self._fresh_token()
                self.add_error(None, _("This form was open too long to be sent safely. Check it and send it again."))
            except signing.BadSignature:
                self._fresh_token()
                self.add_error(None, _("This form could not be checked. Check it and send it again."))
        return data

    def key(self):
        """The token's random part, for services with idempotency keys of their own."""
        return self.cleaned_data.get(FIELD) or None


def submission_claim(form, *, user, kind):
    """Claim the form's token inside the caller's transaction (see the module docstring).

    Returns the claim (None for a post without a token), or raises `AlreadySubmitted`.
    """
    token = form.cleaned_data.get(FIELD)
    if not token:
        return None
    try:
        with transaction.atomic():
            return SubmissionToken.objects.create(token=token, user=user, kind=kind)
    except IntegrityError:
        first = SubmissionToken.objects.filter(token=token).first()
        if first is None or first.user_id != user.pk or first.kind != kind:
            raise AlreadySubmitted(None) from None
        raise AlreadySubmitted(first.object_id) from None


def submission_record(claim, obj):
    """Note on the claim what the post made, for a repeat to land on."""
    if claim is not None:
        claim.object_id = obj.pk
        claim.save(update_fields=["object_id"])


def submission_tokens_expire(*, now=None):
    """Delete claims older than a token lives (their forms are refused anyway). The
    claims of used e-mail links (content_workflow/email_links.py) are kept as long as
    such a link lives, so that a used link stays used until it has expired."""
    from content_workflow.email_links import KIND_PREFIX
    from content_workflow.email_links import max_age as link_max_age

    now = now or timezone.now()
    links = Q(kind__startswith=KIND_PREFIX)
    old = (~links & Q(created_at__lt=now - max_age())) | (links & Q(created_at__lt=now - link_max_age()))
    deleted, _detail = SubmissionToken.objects.filter(old).delete()
    return deleted
