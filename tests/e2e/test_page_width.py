"""No page is wider than the screen: every page of every role's crawl (`bench/urls.py`, the
list the query-count guard and the bench use), in English and German, on a phone (390 px)
and a laptop (1280 px). A page that scrolls sideways hides columns and buttons without a
cue; wide tables and grids scroll inside their own box instead.

One browser, one context per role and language, signed in by session cookie (the sign-in
form is covered by test_sign_in.py and costs a password hash per role). Each page loads
once and is measured at the width it loaded at, then again after resizing to the other:
the media queries re-apply on resize, and a second load would double the test's time.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from bench.urls import ROLES, urls_for
from content_workflow.models import ContentPiece, ExpertInputRequest
from governance import services as model_services
from governance.selectors import active_model
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

PHONE, LAPTOP = 390, 1280
HEIGHT = 844
# The admin is a governance lead as well, and sees every discipline's budgets.
CRAWLERS = {**ROLES, "admin": "governance_lead"}
# Saved at 390 px in both languages (tests/e2e/artifacts/phone-<language>-<name>.png), to look at.
SCREENSHOTS = {
    ("communicator", "/requests/"): "request-list",
    ("communicator", "/requests/new/"): "request-form",
    ("lead", "/models/{draft}/raci/"): "raci-editor",
    ("manager", "/budgets/"): "budgets",
    ("admin", "/budgets/"): "budgets-all",
    ("communicator", "/pieces/"): "piece-list",
    ("communicator", "/calendar/"): "calendar",
}
ADMIN_PAGES = ["/admin/", "/admin/content_workflow/timebudget/", "/admin/content_workflow/expertinputrequest/"]

# The page's language, and how far the document reaches past the viewport with the outermost
# elements that stick out (with their classes), so a failure says where to look.
MEASURE = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) return [root.lang, null];
  const out = [];
  const past = (el) => Math.round(el.getBoundingClientRect().right - width);
  const sticksOut = (el) => past(el) > 0;
  for (const el of document.body.querySelectorAll("*")) {
    if (!sticksOut(el)) continue;
    let outermost = true;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (sticksOut(p) || getComputedStyle(p).overflowX !== "visible") { outermost = false; break; }
    }
    if (outermost) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${past(el)}px`);
    if (out.length >= 4) break;
  }
  return [root.lang, `${root.scrollWidth - width}px too wide: ${out.join(", ")}`];
}"""


def _pages(user, role, draft):
    requests = ExpertInputRequest.objects.visible_to(user).order_by("pk")
    request_id = requests.values_list("pk", flat=True).first() or 0
    model = active_model()
    piece_id = ContentPiece.objects.visible_to(user).order_by("pk").values_list("pk", flat=True).first() or 0
    urls = urls_for(role, request_id=request_id, model_id=model.pk, discipline="product", piece_id=piece_id)
    # Not the API lists nor the person searches (data, not pages), nor the request list's
    # searches and status filter (fewer rows of the same table as ?show=all), nor the CSV
    # and JSON downloads (files, not pages: the browser would download them).
    pages = [
        url
        for url in urls
        if not url.startswith("/api/")
        and "q=" not in url
        and "status=" not in url
        and ".csv" not in url
        and ".json" not in url
    ]
    if role == "governance_lead":
        # The editor's pages, on a draft copy of the active model (with all its spokes).
        pages += [f"/models/{draft.pk}/{page}" for page in ("", "edit/", "raci/", "hubs/new/", "spokes/new/")]
        pages += ["/models/new/", "/models/fit/", "/profiles/matrix/edit/"]
    return pages + (ADMIN_PAGES if user.is_superuser else [])


def _session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_page_is_wider_than_the_screen(demo_data, browser, live_server, language):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=CRAWLERS)}
    draft = model_services.model_copy(source=active_model(), actor=users["lead"])
    too_wide, missing = [], []
    for username, role in CRAWLERS.items():
        user = users[username]
        context = browser.new_context(viewport={"width": LAPTOP, "height": HEIGHT})
        context.add_cookies(
            [
                _session_cookie(user, live_server),
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
            ]
        )
        page = context.new_page()
        # Stylesheets, scripts, images, the favicon: nothing a page asks for is missing.
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.request.resource_type != "document"
                and missing.append(f"{r.status} {r.url} (from {r.frame.url})")
            ),
        )
        try:
            for url in _pages(user, role, draft):
                response = page.goto(f"{live_server.url}{url}", wait_until="domcontentloaded")
                assert response.status < 500, (username, url, response.status)
                if not response.headers.get("content-type", "").startswith("text/html"):
                    continue  # the diagram is an image that scales
                # Measured at the width the page loaded at, then at the other one; the next page
                # loads at that width, so each page costs one resize.
                here = page.viewport_size["width"]
                for width in (here, PHONE if here == LAPTOP else LAPTOP):
                    if width != page.viewport_size["width"]:
                        page.set_viewport_size({"width": width, "height": HEIGHT})
                    lang, problem = page.evaluate(MEASURE)
                    assert lang == language, (username, url)
                    if problem:
                        too_wide.append(f"{username} {url} at {width}px: {problem}")
                    name = SCREENSHOTS.get((username, url.replace(f"/models/{draft.pk}/", "/models/{draft}/")))
                    if name and width == PHONE:
                        ARTIFACTS.mkdir(exist_ok=True)
                        page.screenshot(path=str(ARTIFACTS / f"phone-{language}-{name}.png"), full_page=True)
        finally:
            context.close()
    assert not too_wide, "\n".join(too_wide)
    assert not missing, "\n".join(missing)
