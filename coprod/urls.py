from django.contrib import admin
from django.urls import include, path

from coprod.accounts import urls as accounts_urls
from coprod.accounts.views import HomeView
from coprod.demo import urls as demo_urls
from coprod.health import healthz
from participants import urls as participants_urls

member_pages = demo_urls.member_urlpatterns + participants_urls.urlpatterns

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    # The dashboard (coprod/demo) keeps its name in the accounts namespace.
    path("", include((accounts_urls.urlpatterns + demo_urls.urlpatterns, "accounts"))),
    path("projects/", include("projects.urls")),
    # The member home page (coprod/demo) keeps its name in the participants namespace.
    path(
        "", include((demo_urls.member_urlpatterns + participants_urls.urlpatterns, "participants"))
    ),
    path("reports/", include("coprod.reports.urls")),
    path("", include("projects.outbox.urls")),
    path("", include("payments.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
