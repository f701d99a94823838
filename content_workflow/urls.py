"""Pages of the expert input workflow: requests and the expert's work (urls_requests),
budgets, allocations, the team and the inbox (urls_manage), content pieces and the
calendar (urls_pieces)."""

from content_workflow.urls_manage import urlpatterns as manage_patterns
from content_workflow.urls_pieces import urlpatterns as piece_patterns
from content_workflow.urls_requests import urlpatterns as request_patterns

app_name = "content_workflow"

urlpatterns = [*request_patterns, *manage_patterns, *piece_patterns]
