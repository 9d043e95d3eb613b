"""The demo layer's pages.

They keep the names they had in the accounts namespace (accounts:dashboard):
coprod/urls.py serves these patterns there, so no link changes and accounts,
a lower layer, never imports this one.
"""

from django.urls import path

from coprod.demo import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
