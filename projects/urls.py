from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("new/", views.ProjectCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("<int:pk>/edit/purpose/", views.ProjectPurposeView.as_view(), name="edit_purpose"),
    path(
        "<int:pk>/edit/ways-of-working/", views.ProjectWaysOfWorkingView.as_view(), name="edit_ways"
    ),
    path("<int:pk>/edit/phases/", views.PhasesView.as_view(), name="phases"),
    path("<int:pk>/values/", views.ValuesView.as_view(), name="values"),
    path("<int:pk>/values/suggest/", views.ValueProposeView.as_view(), name="value_propose"),
    path(
        "<int:pk>/values/<int:value_pk>/agree/", views.ValueAgreeView.as_view(), name="value_agree"
    ),
    path(
        "<int:pk>/values/<int:value_pk>/reword/",
        views.ValueReviseView.as_view(),
        name="value_revise",
    ),
    path(
        "<int:pk>/values/<int:value_pk>/retire/",
        views.ValueRetireView.as_view(),
        name="value_retire",
    ),
    path(
        "<int:pk>/values/<int:value_pk>/endorse/",
        views.ValueEndorseView.as_view(),
        name="value_endorse",
    ),
    path("<int:pk>/ladder/", views.LadderView.as_view(), name="ladder"),
]
