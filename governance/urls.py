from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from governance import oidc
from governance.views import accounts, dashboards, exports, favicon, health, personal_data

admin.site.site_header = "Social media governance"
# Bodies over the size limit and other requests Django refuses answer JSON under /api/,
# and so does an /api/ path that matches no route.
handler400 = "governance.api.exceptions.bad_request"
handler404 = "governance.views.errors.page_not_found"

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("dashboard/health/<slug:item>/", health.health_list, name="health"),
    path("dashboard/export/<slug:table>.csv", exports.dashboard_export, name="dashboard_export"),
    path("dashboard/<slug:role>/", dashboards.dashboard, name="dashboard"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/profile/", accounts.profile, name="profile"),
    path("accounts/profile/data.json", personal_data.my_data, name="my_data"),
    path("accounts/people/<int:pk>/data.json", personal_data.person_data, name="person_data"),
    path("accounts/people/<int:pk>/erase/", personal_data.person_erase, name="person_erase"),
    path("privacy/", personal_data.processing_record, name="processing_record"),
    path("accounts/logout/", oidc.LogoutView.as_view(), name="logout"),
    # Single sign-on (governance/oidc.py): 404 while OIDC_CLIENT_ID is not set.
    path("oidc/authenticate/", oidc.SignInView.as_view(), name="oidc_sign_in"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("models/", include("governance.model_urls")),
    path("catalogue/", include("disciplines.urls")),
    path("profiles/", include("roles.urls")),
    path("", include("content_workflow.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", dashboards.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("governance.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

if settings.BENCH:
    from governance import bench

    urlpatterns.append(path("bench/bare", bench.bare, name="bench_bare"))
