from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentWorkflowConfig(AppConfig):
    name = "content_workflow"
    verbose_name = _("Expert input workflow")
