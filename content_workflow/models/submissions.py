"""One-time tokens of create forms, so that a form sent twice creates one thing."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubmissionToken(models.Model):
    """A create form's token, written in the same transaction as what the form created.

    The unique `token` is the guard: a second post of the same form (Back and submit
    again, a double click, a reload) cannot insert it again, and finds here what the
    first post made (`kind` names the form, `object_id` the row it created). A post that
    failed rolls its token back with everything else, so the corrected form can be sent.
    Rows older than the token's lifetime are deleted by a periodic task: a form that old
    is refused by its signature anyway (`content_workflow.submissions`).
    """

    token = models.CharField(_("token"), max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("form"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
