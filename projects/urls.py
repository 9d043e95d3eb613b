from typing import Any

from django.urls import path
from django.views import View

from projects import views
from projects.ending import views as ending
from projects.meetings import views as meetings
from projects.promises import views as promises
from projects.reviews import views as reviews
from projects.stories import views as stories

app_name = "projects"

# The pages of one meeting, under <int:pk>/meetings/<int:meeting_pk>/.
MEETING_PAGES: "list[tuple[str, type[View[Any]], str]]" = [
    ("change/", meetings.MeetingUpdateView, "meeting_update"),
    ("cancel/", meetings.MeetingCancelView, "meeting_cancel"),
    ("agenda/", meetings.AgendaView, "meeting_agenda"),
    ("papers/", meetings.PapersView, "meeting_papers"),
    ("papers/ready/", meetings.PapersReadyView, "meeting_papers_ready"),
    ("papers/<int:paper_pk>/", meetings.PaperDownloadView, "meeting_paper"),
    ("papers/<int:paper_pk>/remove/", meetings.PaperRemoveView, "meeting_paper_remove"),
    ("answer/", meetings.RsvpView, "meeting_rsvp"),
    ("answers/", meetings.RepliesView, "meeting_replies"),
    ("attendance/", meetings.AttendanceView, "meeting_attendance"),
    ("notes/", meetings.NotesView, "meeting_notes"),
    ("calendar.ics", meetings.MeetingIcsView, "meeting_ics"),
    ("how-it-felt/", reviews.PulseView, "meeting_pulse"),
]

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
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
    # Meetings of a project.
    path("<int:pk>/meetings/", meetings.ProjectMeetingsView.as_view(), name="meetings"),
    path("<int:pk>/meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_create"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/", meetings.MeetingDetailView.as_view(), name="meeting"
    ),
    *[
        path(f"<int:pk>/meetings/<int:meeting_pk>/{route}", view.as_view(), name=name)
        for route, view, name in MEETING_PAGES
    ],
    path("actions/<int:pk>/done/", meetings.ActionDoneView.as_view(), name="action_done"),
    path("tasks/<int:pk>/done/", reviews.TaskDoneView.as_view(), name="task_done"),
    path("meetings/mine/", meetings.MyMeetingsView.as_view(), name="my_meetings"),
    path("meetings/calendar/", meetings.CalendarLinkView.as_view(), name="calendar_link"),
    path("meetings/calendar/<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
    # You said, we did.
    path("<int:pk>/you-said/", promises.PromiseListView.as_view(), name="promises"),
    path("<int:pk>/you-said/new/", promises.PromiseCreateView.as_view(), name="promise_create"),
    path("<int:pk>/you-said/my-point/", promises.PointRaiseView.as_view(), name="point_raise"),
    path(
        "<int:pk>/you-said/<int:promise_pk>/", promises.PromiseDetailView.as_view(), name="promise"
    ),
    path(
        "<int:pk>/you-said/<int:promise_pk>/answer/",
        promises.PromiseRespondView.as_view(),
        name="promise_respond",
    ),
    path(
        "<int:pk>/you-said/<int:promise_pk>/update/",
        promises.PromiseUpdateView.as_view(),
        name="promise_update",
    ),
    # Reviews.
    path("<int:pk>/reviews/", reviews.ReviewListView.as_view(), name="reviews"),
    path("<int:pk>/reviews/new/", reviews.ReviewCreateView.as_view(), name="review_create"),
    path("<int:pk>/reviews/questions/", reviews.QuestionsView.as_view(), name="review_questions"),
    path(
        "<int:pk>/reviews/questions/<int:question_pk>/",
        reviews.QuestionUpdateView.as_view(),
        name="review_question",
    ),
    path("<int:pk>/reviews/<int:review_pk>/", reviews.ReviewDetailView.as_view(), name="review"),
    path(
        "<int:pk>/reviews/<int:review_pk>/questions/<int:number>/",
        reviews.AnswerView.as_view(),
        name="review_answer",
    ),
    path(
        "<int:pk>/reviews/<int:review_pk>/close/",
        reviews.ReviewCloseView.as_view(),
        name="review_close",
    ),
    path(
        "<int:pk>/reviews/<int:review_pk>/agreed/",
        reviews.AgreedChangeView.as_view(),
        name="review_change",
    ),
    # Stories.
    path("<int:pk>/stories/", stories.StoryListView.as_view(), name="stories"),
    path("<int:pk>/stories/new/", stories.StoryCreateView.as_view(), name="story_create"),
    path("<int:pk>/stories/ask/", stories.StoryAskView.as_view(), name="story_ask"),
    path("<int:pk>/stories/<int:story_pk>/", stories.StoryDetailView.as_view(), name="story"),
    path(
        "<int:pk>/stories/<int:story_pk>/file/",
        stories.StoryFileView.as_view(),
        name="story_file",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/choices/",
        stories.StoryChoicesView.as_view(),
        name="story_choices",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/curate/",
        stories.StoryCurateView.as_view(),
        name="story_curate",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/quotes/new/",
        stories.QuoteCreateView.as_view(),
        name="story_quote",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/quotes/<int:quote_pk>/approve/",
        stories.QuoteApproveView.as_view(),
        name="story_quote_approve",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/quotes/<int:quote_pk>/remove/",
        stories.QuoteRemoveView.as_view(),
        name="story_quote_remove",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/withdraw/",
        stories.StoryWithdrawView.as_view(),
        name="story_withdraw",
    ),
    path(
        "<int:pk>/stories/<int:story_pk>/share-again/",
        stories.StoryShareAgainView.as_view(),
        name="story_share_again",
    ),
    # What we achieved, records of contribution, closing and the public page.
    path("<int:pk>/achieved/", ending.AchievedView.as_view(), name="achieved"),
    path("<int:pk>/achieved/new/", ending.MilestoneCreateView.as_view(), name="milestone_create"),
    path("<int:pk>/close/", ending.CloseView.as_view(), name="close"),
    path(
        "<int:pk>/close/points/<int:point_pk>/",
        ending.FinalAnswerView.as_view(),
        name="close_point",
    ),
    path("<int:pk>/public-page/", ending.PublicPageEditView.as_view(), name="public_edit"),
    path("public/<slug:slug>/", ending.PublicProjectView.as_view(), name="public_page"),
    path("records/<int:participant_pk>/", ending.RecordView.as_view(), name="record"),
    path(
        "records/<int:participant_pk>/record.pdf",
        ending.RecordPdfView.as_view(),
        name="record_pdf",
    ),
    path(
        "records/<int:participant_pk>/sign-off/",
        ending.RecordSignOffView.as_view(),
        name="record_sign_off",
    ),
    path("venues/", meetings.VenueListView.as_view(), name="venues"),
    path("venues/new/", meetings.VenueCreateView.as_view(), name="venue_create"),
    path("venues/<int:venue_pk>/", meetings.VenueUpdateView.as_view(), name="venue_update"),
]
