from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from coprod.accounts.views import HomeView
from coprod.health import healthz

admin.site.site_header = "Coprod administration"
admin.site.site_title = "Coprod admin"
# The admin's own password form has no rate limit and no two-step login:
# everyone logs in through allauth's page, with its limits, instead.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("coprod.accounts.urls")),
    path("projects/", include("projects.urls")),
    path("", include("participants.urls")),
    path("reports/", include("coprod.reports.urls")),
    path("", include("coprod.notifications.urls")),
    path("", include("payments.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
