from django.contrib import admin
from django.urls import include, path

from coprod.accounts.views import HomeView
from coprod.health import healthz

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("coprod.accounts.urls")),
    path("projects/", include("projects.urls")),
    path("", include("participants.urls")),
    path("reports/", include("coprod.reports.urls")),
    path("", include("projects.outbox.urls")),
    path("", include("payments.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
