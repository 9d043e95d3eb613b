from django.contrib import admin
from django.urls import include, path

from coprod.accounts import urls as accounts_urls
from coprod.accounts.views import HomeView
from coprod.demo import urls as demo_urls
from coprod.health import healthz

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    # The dashboard (coprod/demo) keeps its name in the accounts namespace.
    path("", include((accounts_urls.urlpatterns + demo_urls.urlpatterns, "accounts"))),
    path("projects/", include("projects.urls")),
    path("", include("participants.urls")),
    path("reports/", include("coprod.reports.urls")),
    path("", include("coprod.notifications.urls")),
    path("", include("payments.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
