"""The projects app's models, one module per part of the design.

The app label stays ``projects`` and no table changed name; import from here.
"""

from projects.models.ending import (
    Milestone,
    MilestoneKind,
    ProjectClosing,
    PublicPage,
    RecordSignOff,
)
from projects.models.ladder import RUNG_MEANINGS, LadderAssessment, Rung
from projects.models.meetings import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Invitee,
    Meeting,
    MeetingAction,
    MeetingChange,
    MeetingPaper,
    Venue,
    paper_upload_to,
)
from projects.models.project import Phase, Project, ProjectCoordinatorChange
from projects.models.promises import Contribution, ContributionEvent
from projects.models.reviews import (
    SCALE_STEPS,
    AnswerVisibility,
    Pulse,
    PulseTaker,
    Review,
    ReviewAnswer,
    ReviewQuestion,
    ReviewQuestionVersion,
    ReviewTaker,
    Scale,
)
from projects.models.stories import (
    REACH_ORDER,
    Story,
    StoryNaming,
    StoryQuote,
    StoryReach,
    StoryRequest,
    StoryTheme,
    StoryUse,
    story_upload_to,
)
from projects.models.support import ChatWay, SupportKind, SupportTask
from projects.models.values import Endorsement, Value, ValueVersion

__all__ = [
    "REACH_ORDER",
    "RUNG_MEANINGS",
    "SCALE_STEPS",
    "AgendaItem",
    "AnswerVisibility",
    "Attendance",
    "CalendarFeed",
    "ChatWay",
    "Contribution",
    "ContributionEvent",
    "Endorsement",
    "Invitee",
    "LadderAssessment",
    "Meeting",
    "MeetingAction",
    "MeetingChange",
    "MeetingPaper",
    "Milestone",
    "MilestoneKind",
    "Phase",
    "Project",
    "ProjectClosing",
    "ProjectCoordinatorChange",
    "PublicPage",
    "Pulse",
    "PulseTaker",
    "RecordSignOff",
    "Review",
    "ReviewAnswer",
    "ReviewQuestion",
    "ReviewQuestionVersion",
    "ReviewTaker",
    "Rung",
    "Scale",
    "Story",
    "StoryNaming",
    "StoryQuote",
    "StoryReach",
    "StoryRequest",
    "StoryTheme",
    "StoryUse",
    "SupportKind",
    "SupportTask",
    "Value",
    "ValueVersion",
    "Venue",
    "paper_upload_to",
    "story_upload_to",
]
