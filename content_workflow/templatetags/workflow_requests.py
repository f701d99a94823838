"""Template helpers of the request pages, and the dashboard cards of communicators and
experts (inclusion tags, so the dashboard view needs no change). Each card costs a
fixed number of queries, however many requests there are."""

from django import template

from content_workflow import page_queries
from content_workflow.models.messages import format_hours
from content_workflow.permissions import can_request

register = template.Library()


@register.filter
def hours(value):
    """2.50 -> "2.5", 10.00 -> "10", in the active language's number format."""
    if value in (None, ""):
        return ""
    return format_hours(value)


@register.filter
def stars(rating):
    """★★★★☆ 4/5: reads the same in every language."""
    if not rating:
        return ""
    return f"{'★' * rating}{'☆' * (5 - rating)} {rating}/5"


@register.filter
def person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.inclusion_tag("content_workflow/_request_dashboard_communicator.html", takes_context=True)
def communicator_request_cards(context):
    user = context["request"].user
    return {**page_queries.communicator_summary(user), "can_request": can_request(user)}


@register.inclusion_tag("content_workflow/_request_dashboard_expert.html", takes_context=True)
def expert_work_cards(context):
    user = context["request"].user
    return page_queries.expert_summary(user)
