"""The projects app's models, one module per part of the design.

The app label stays ``projects`` and no table changed name; import from here.
"""

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
from projects.models.values import Endorsement, Value, ValueVersion

__all__ = [
    "RUNG_MEANINGS",
    "AgendaItem",
    "Attendance",
    "CalendarFeed",
    "Contribution",
    "ContributionEvent",
    "Endorsement",
    "Invitee",
    "LadderAssessment",
    "Meeting",
    "MeetingAction",
    "MeetingChange",
    "MeetingPaper",
    "Phase",
    "Project",
    "ProjectCoordinatorChange",
    "Rung",
    "Value",
    "ValueVersion",
    "Venue",
    "paper_upload_to",
]
