"""The demo layer's pages.

They keep the names they had before (accounts:dashboard, participants:home):
coprod/urls.py serves these patterns in those namespaces, so no link changes,
and accounts and participants, lower layers, never import this one.
"""

from django.urls import path

from coprod.demo import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]

# Served in the participants namespace (participants:home).
member_urlpatterns = [
    path("me/", views.MemberHomeView.as_view(), name="home"),
]
