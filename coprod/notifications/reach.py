"""Whether Coprod can reach a person, and if not, why and what to do about it.

One answer for every page that warns a coordinator ("3 people will not hear
about this meeting") and, later, for the dispatcher's own refusals: the
reasons the outbox gives today for calling a message off are kept word for
word (`Reach.refusal`). The choices themselves come from `channel_for` and
the person's latest consent answer (`participants.selectors`); nothing here
decides them again.

Nothing here reads or shows private needs: only how the person chose to be
contacted, whether they agreed, and whether the details to do it are there.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

import phonenumbers
from django.conf import settings
from django.db import models

from coprod.notifications import kinds
from coprod.notifications.models import Channel
from coprod.notifications.services import channel_for
from participants.models import ConsentTopic, Participant, ProjectMembership
from participants.selectors import consent_answer, consent_answers

# Which page a coordinator acts on for someone who does not log in (each
# takes the person's id), and what its link says.
CONSENT_PAGE = "participants:consent_for"
CONTACT_PAGE = "participants:contact_for"
ACT_LABELS = {CONSENT_PAGE: "Record their answer", CONTACT_PAGE: "Change how we reach them"}


class Problem(models.TextChoices):
    """Why a message will not reach someone."""

    ERASED = "erased", "Details erased"
    NOT_ASKED = "not_asked", "Not asked for consent"
    SAID_NO = "said_no", "Said no to being contacted"
    REMINDERS_OFF = "reminders_off", "Reminders switched off"
    ASKED_NOT = "asked_not", "Asked not to be contacted"
    NO_EMAIL = "no_email", "No email address"
    NO_MOBILE = "no_mobile", "No mobile number"
    NO_PHONE = "no_phone", "No phone number"
    NO_ADDRESS = "no_address", "No postal address"
    LANDLINE = "landline", "A landline cannot get texts"
    TEXTS_OFF = "texts_off", "Texts are switched off"


@dataclass(frozen=True)
class Reach:
    """How (or why not) Coprod's messages get to one person.

    `channel` is where a message goes today (a coordinator's task when the
    person asked for a call or a letter). `called_off` says the outbox will
    not even make a task: nothing reaches them. `act_url` names the page
    where a coordinator can put it right (it takes the person's id).
    """

    channel: str
    problem: str = ""
    reason: str = ""
    todo: str = ""
    called_off: bool = False
    act_url: str = ""

    @property
    def reachable(self) -> bool:
        return not self.problem

    @property
    def by_hand(self) -> bool:
        """A coordinator phones or writes: Coprod only reminds them to."""
        return self.channel == Channel.COORDINATOR

    @property
    def act_label(self) -> str:
        return ACT_LABELS.get(self.act_url, "")

    @property
    def refusal(self) -> str:
        """The outbox's words for calling a message off, or "" if it goes (or becomes a task)."""
        return self.reason if self.called_off else ""


# Marks "look the consent answer up" apart from None, which means "never asked".
_ASK = object()


def texts_can_go() -> bool:
    """False when this installation has no way to send texts (Twilio chosen, not set up)."""
    if settings.COPROD_SMS_BACKEND != "twilio":
        return True
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN)


def _is_landline(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE


def _is_reminder(kind: str) -> bool:
    return bool(kind) and kinds.get(kind).reminder


def reach_for(participant: Participant, *, kind: str = "", consent=_ASK) -> Reach:
    """Say whether Coprod's messages (of `kind`, if given) reach this person; if not, why.

    `consent` is the person's latest answer on being contacted (True, False,
    or None for never asked), for callers that looked it up for many people
    at once (`reach_for_many`); left out, it is looked up here.
    """
    channel, _, asked_not = channel_for(participant)
    if participant.erased_at is not None:
        return Reach(
            channel,
            Problem.ERASED,
            "Their details were erased.",
            "Nothing to do: Coprod keeps no way to reach them.",
            called_off=True,
        )
    if consent is _ASK:
        consent = consent_answer(participant, ConsentTopic.CONTACT)
    if consent is not True:
        said_no = consent is False
        return Reach(
            channel,
            Problem.SAID_NO if said_no else Problem.NOT_ASKED,
            "They have not agreed to be contacted.",
            "They said no. Respect that: if they change their mind, record it on their "
            "consent page."
            if said_no
            else "Ask them if we may contact them.",
            called_off=True,
            act_url=CONSENT_PAGE,
        )
    if _is_reminder(kind) and participant.reminders == Participant.Reminders.NONE:
        return Reach(
            channel,
            Problem.REMINDERS_OFF,
            "They switched reminders off.",
            "Nothing to do: they still hear when a meeting moves or is cancelled.",
            called_off=True,
        )
    if asked_not:
        return Reach(
            channel,
            Problem.ASKED_NOT,
            asked_not,
            "Respect their choice. Tell them in person if they come.",
            called_off=True,
            act_url=CONTACT_PAGE,
        )
    missing = _missing_detail(participant, channel)
    if missing:
        return missing
    return Reach(channel)


def _missing_detail(participant: Participant, channel: str) -> Reach | None:
    """The chosen way needs a detail we lack, or texts cannot go: a problem, else None."""
    wanted = participant.preferred_channel
    Wanted = Participant.Channel
    needs = {
        Wanted.EMAIL: (participant.email, Problem.NO_EMAIL, "email", "Add an email address."),
        Wanted.SMS: (participant.phone, Problem.NO_MOBILE, "text", "Add a mobile number."),
        Wanted.PHONE_CALL: (
            participant.phone,
            Problem.NO_PHONE,
            "a phone call",
            "Add a phone number.",
        ),
        Wanted.POST: (
            participant.postal_address,
            Problem.NO_ADDRESS,
            "post",
            "Add their postal address.",
        ),
    }
    if wanted in needs:
        detail, problem, way, todo = needs[wanted]
        if not detail:
            return Reach(
                channel,
                problem,
                f"They chose {way}, but we do not have the details.",
                todo,
                act_url=CONTACT_PAGE,
            )
    if channel == Channel.SMS and _is_landline(participant.phone):
        return Reach(
            channel,
            Problem.LANDLINE,
            "They chose texts, but their number is a landline.",
            "Phone them, or ask for a mobile number.",
            act_url=CONTACT_PAGE,
        )
    if channel == Channel.SMS and not texts_can_go():
        return Reach(
            channel,
            Problem.TEXTS_OFF,
            "They chose texts, but Coprod cannot send texts yet.",
            "Texts are switched off: phone them. An administrator can set up texts.",
        )
    return None


def reach_for_many(
    people: Iterable[Participant], *, kind: str = ""
) -> list[tuple[Participant, Reach]]:
    """`reach_for` for many people: their consent answers in one query, whatever the number."""
    people = list(people)
    answers = consent_answers([person.pk for person in people], ConsentTopic.CONTACT)
    return [
        (person, reach_for(person, kind=kind, consent=answers.get(person.pk))) for person in people
    ]


def unreachable(
    people: Iterable[Participant], *, kind: str = ""
) -> list[tuple[Participant, Reach]]:
    """The people among these whom Coprod's messages (of `kind`) will not reach, and why."""
    return [(person, reach) for person, reach in reach_for_many(people, kind=kind) if reach.problem]


def unreachable_in_project(project) -> list[tuple[Participant, Reach]]:
    """People taking part in a project (invited, active or on a break) we cannot reach.

    Someone invited who has not accepted yet is asked when they accept, so
    the thing to do is to see that their invitation reaches them. Two
    queries whatever the number of people: the people, then their consent.
    """
    Status = ProjectMembership.Status
    people = Participant.objects.filter(
        memberships__project=project,
        memberships__status__in=[Status.INVITED, Status.ACTIVE, Status.ON_BREAK],
        erased_at__isnull=True,
    ).annotate(status_here=models.F("memberships__status"))
    found = []
    for person, reach in unreachable(_listed(people)):
        if reach.problem == Problem.NOT_ASKED and person.status_here == Status.INVITED:
            reach = replace(
                reach,
                todo="They are asked when they accept their invitation. If it has run out, "
                "send them a new one from their page.",
                act_url="",
            )
        found.append((person, reach))
    return found


def unreachable_invitees(meeting, *, kind: str, coming: bool = False):
    """The people invited to a meeting whom a message about it (of `kind`) will not reach.

    `coming` leaves out people who said they cannot come, as papers do.
    """
    invitees = meeting.invitees.all()
    if coming:
        invitees = invitees.exclude(answer="no")
    people = Participant.objects.filter(pk__in=invitees.values("participant_id"))
    return unreachable(_listed(people), kind=kind)


def unreachable_members(project, *, kind: str):
    """The project's active members whom a message to them all (an update) will not reach."""
    people = Participant.objects.filter(
        memberships__project=project, memberships__status=ProjectMembership.Status.ACTIVE
    ).distinct()
    return unreachable(_listed(people), kind=kind)


def _listed(people):
    # Pages check per person who may act for them, which reads their organisation.
    return people.select_related("organisation").order_by("preferred_name", "pk")
