"""The content calendar (month and week views) and each user's iCalendar feed.

The calendar shows what the user may see (`ContentPiece.objects.visible_to`). The feed
is reached without signing in, by a secret URL: only its SHA-256 is stored, an unknown
or revoked token answers 404, and the URL is shown once, right after it is made.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from content_workflow import services
from content_workflow.content_calendar import BadPeriod, feed_calendar, grid, month_period, period_from
from content_workflow.models import CalendarFeed
from content_workflow.services.pieces import feed_token_hash
from governance.accounts import preferred_language

SHOW_ONCE = "calendar_feed_url"


@login_required
@require_safe
def calendar(request):
    today = timezone.localdate()
    try:
        period = period_from(request.GET, today)
    except BadPeriod as exc:
        messages.error(request, str(exc))
        period = month_period(today)
    channels, days = grid(request.user, period)
    feed = CalendarFeed.objects.filter(user=request.user).only("created_at", "last_used_at").first()
    return render(
        request,
        "content_workflow/calendar.html",
        {
            "period": period,
            "channels": channels,
            "days": days,
            "today": today,
            "previous": period.shifted(-1),
            "next": period.shifted(1),
            "other": period.other_view(),
            "feed": feed,
            "feed_url": request.session.pop(SHOW_ONCE, None),
        },
    )


@login_required
@require_POST
def calendar_feed_renew(request):
    token = services.calendar_feed_renew(actor=request.user)
    request.session[SHOW_ONCE] = request.build_absolute_uri(reverse("content_workflow:calendar_feed", args=[token]))
    messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    return redirect(reverse("content_workflow:calendar") + "#feed")


@login_required
@require_POST
def calendar_feed_revoke(request):
    if services.calendar_feed_revoke(actor=request.user):
        messages.success(request, _("Your calendar feed is switched off; its address no longer works."))
    return redirect(reverse("content_workflow:calendar") + "#feed")


@require_safe
def calendar_feed(request, token):
    """The feed itself (no session: calendar apps fetch it by the secret URL)."""
    if len(token) > 100:
        raise Http404
    feed = CalendarFeed.objects.select_related("user__profile").filter(token_hash=feed_token_hash(token)).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    # Written in the user's language, like their e-mails (a calendar app sends no session).
    with translation.override(preferred_language(feed.user)):
        body = feed_calendar(feed.user, today=timezone.localdate(), site=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
