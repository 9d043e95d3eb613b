from django.urls import path

from projects.outbox import views

app_name = "outbox"

urlpatterns = [
    path("projects/<int:pk>/outbox/", views.OutboxView.as_view(), name="list"),
    path("projects/<int:pk>/reminders/", views.ReminderRulesView.as_view(), name="rules"),
    path("messages/<int:pk>/retry/", views.NotificationRetryView.as_view(), name="retry"),
    path("messages/<int:pk>/told/", views.NotificationToldView.as_view(), name="told"),
    path("messages/told/", views.NotificationsToldView.as_view(), name="told_many"),
]
