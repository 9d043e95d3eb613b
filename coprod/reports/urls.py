from django.urls import path

from coprod.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("projects/<int:pk>/", views.ProjectReportView.as_view(), name="project"),
    path("projects/<int:pk>/<slug:table>.csv", views.ReportCsvView.as_view(), name="project_csv"),
    path("funders/", views.FunderAccessView.as_view(), name="funders"),
    path("funders/<int:grant_pk>/end/", views.FunderAccessEndView.as_view(), name="funder_end"),
]
