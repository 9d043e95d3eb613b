from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("me/", views.MemberHomeView.as_view(), name="home"),
    path("me/about/<int:pk>/", views.AboutMeView.as_view(), name="about_me"),
    path("me/about/<int:pk>/private/", views.PrivateNotesEditView.as_view(), name="edit_private"),
    path("me/about/<int:pk>/who-looked/", views.AccessLogView.as_view(), name="access_log"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
]
