"""Everyone's inbox: their notifications, marking them read, and how they want e-mail.

Only the signed-in user's own notifications exist here (`visible_to`): another's is a
404. Opening a notification marks it read and then follows its link, but only to a path
on this site, never elsewhere.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from content_workflow import services
from content_workflow.forms_manage import NotificationPreferenceForm
from content_workflow.manage_queries import inbox as inbox_query
from content_workflow.models import Notification
from content_workflow.services.notifications import email_choice
from governance.pagination import KeysFirstPaginator

PER_PAGE = 25


def internal_path(request, target):
    """`target` if it is a path on this site ("/requests/4/"), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return None
    return target


def _back(request):
    """Back to where the form was (the inbox page the user was on), else the inbox."""
    target = internal_path(request, request.POST.get("next", ""))
    return redirect(target or "content_workflow:inbox")


@login_required
def inbox(request, preference_form=None, status=200):
    unread_only = request.GET.get("show") == "unread"
    page = KeysFirstPaginator(inbox_query(request.user, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("page")
    )
    if preference_form is None:
        preference_form = NotificationPreferenceForm(initial={"email": email_choice(request.user)})
    return render(
        request,
        "content_workflow/inbox.html",
        {"page_obj": page, "unread_only": unread_only, "preference_form": preference_form},
        status=status,
    )


def _own(request, pk):
    return get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def inbox_read(request, pk):
    services.notification_mark_read(notification=_own(request, pk), actor=request.user)
    return _back(request)


@login_required
@require_POST
def inbox_open(request, pk):
    """Mark read, then go where the notification points (an internal path only)."""
    notification = services.notification_mark_read(notification=_own(request, pk), actor=request.user)
    target = internal_path(request, notification.link)
    if target is None:
        if notification.link:
            messages.warning(request, _("This notification points outside this site, so it was not opened."))
        return _back(request)
    return redirect(target)


@login_required
@require_POST
def inbox_read_all(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications marked as read."))
    return _back(request)


@login_required
def inbox_preferences(request):
    if request.method != "POST":
        return redirect("content_workflow:inbox")
    form = NotificationPreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.notification_preference_set(actor=request.user, email=form.cleaned_data["email"])
        except ValidationError as exc:
            form.add_error("email", exc.messages)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("content_workflow:inbox")
    return inbox(request, preference_form=form, status=200)
