from django.urls import path

from coprod.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
]
