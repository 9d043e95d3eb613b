from django.urls import path

from coprod.accounts import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("your-account/", views.AccountView.as_view(), name="account"),
]
