from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.MemberHomeView.as_view(), name="home"),
]
