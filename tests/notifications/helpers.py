"""People who can be reached, and meetings at chosen moments, for the outbox tests."""

import datetime

from participants.services import consent_record
from projects.meetings import services as meeting_services
from tests.factories import ProjectMembershipFactory, StaffMembershipFactory


def reachable(project, name, channel="email", **choices):
    """An active member who agreed to be contacted, reachable their chosen way."""
    membership = ProjectMembershipFactory(project=project, participant__preferred_name=name)
    person = membership.participant
    person.preferred_channel = channel
    person.email = f"{name.lower()}@example.org"
    person.phone = "+447911123456"
    for field, value in choices.items():
        setattr(person, field, value)
    person.save()
    consent_record(participant=person, topic="contact", given=True, by=None)
    return person


def meeting_at(project, starts_at, *, length=datetime.timedelta(hours=2), now=None, **details):
    venue = details.pop("venue", None)
    if venue is None:
        venue = meeting_services.venue_save(
            organisation=project.organisation,
            by=None,
            name=f"Hall for {starts_at:%Y%m%d%H%M%S%f}",
            address="1 Main Street",
            getting_there="Bus 42 to Main Street.",
        )
    return meeting_services.meeting_schedule(
        project=project,
        by=None,
        starts_at=starts_at,
        ends_at=starts_at + length,
        title=details.pop("title", "Planning day"),
        purpose=details.pop("purpose", "Plan the next steps together."),
        format="in_person",
        venue=venue,
        now=now,
        **details,
    )


def a_coordinator(project):
    user = StaffMembershipFactory(organisation=project.organisation).user
    project.coordinators.add(user)
    return user
