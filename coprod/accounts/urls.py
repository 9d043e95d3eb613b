from django.urls import path

from coprod.accounts import views

app_name = "accounts"

urlpatterns = [
    path("your-account/", views.AccountView.as_view(), name="account"),
]
