import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from coprod.accounts.selectors import (
    COORDINATING_ROLES,
    coordinators_of,
    organisation_ids_for,
    scope_to_organisations,
)
from participants.models import (
    CONTRIBUTE_AREAS,
    ConsentRecord,
    ConsentTopic,
    ConsentWording,
    Invitation,
    Participant,
    ProjectMembership,
    ProjectRole,
)
from participants.phones import phone_for_display


def projects_of(organisations) -> QuerySet:
    """The projects of these organisations, for a form's list of projects to choose from.

    Projects sit in a higher layer than people: this reaches their model
    through the membership's foreign key instead of importing it.
    """
    project_model = ProjectMembership._meta.get_field("project").related_model
    return project_model._default_manager.filter(organisation__in=organisations)


def participant_profiles_for(user) -> QuerySet[Participant]:
    """Return the participant profiles linked to this login, one per organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Participant.objects.none()
    return Participant.objects.filter(user=user).select_related("organisation")


def participants_with_needs_visible_to(user) -> QuerySet[Participant]:
    """Return the people whose communication needs and meeting times the person may see.

    The same people as `participants.view_communication_needs`: themselves,
    and anyone taking part (not left) in a project they are named coordinator
    of. Meant as a subquery (`participant__in=...`), so a list of people
    learns who may be named without a query per person.
    """
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    coordinated = (
        ProjectMembership.objects.exclude(status=ProjectMembership.Status.LEFT)
        .filter(project__coordinators=user)
        .values("participant_id")
    )
    return Participant.objects.filter(Q(user=user) | Q(pk__in=coordinated))


def memberships_for_member_home(user) -> QuerySet[ProjectMembership]:
    """Return the member's own project places, including ones they left (to rejoin).

    Only the columns the member home shows (issue 18: compiling and decrypting
    every column of the person and the project cost more than the query).
    """
    return (
        ProjectMembership.objects.filter(participant__user=user)
        .select_related("project__organisation")
        .only("status", "check_in_on", "project__title", "project__organisation__name")
        .order_by("project__title")
    )


def participant_get_own(user, pk) -> Participant:
    """Return the person's own profile, or raise Http404 (never anyone else's)."""

    return get_object_or_404(participant_profiles_for(user), pk=pk)


def participant_get_for_staff(user, pk) -> Participant:
    """Return a person in an organisation the user coordinates, or raise Http404."""

    people = scope_to_organisations(Participant.objects.all(), user, roles=COORDINATING_ROLES)
    return get_object_or_404(people.select_related("organisation"), pk=pk)


def invitation_waiting_for(participant) -> Invitation | None:
    """Return the person's latest invitation not yet accepted or cancelled (even if it ran out).

    Callers have already checked the viewer may see the person.
    """
    return participant.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).first()


@dataclass(frozen=True)
class NoteReader:
    """A named coordinator who may read someone's private notes, and since when."""

    name: str
    named_at: datetime.datetime | None = None
    # True when the history began after they were named: "named on or before" named_at.
    on_or_before: bool = False

    def __str__(self) -> str:
        return self.name


def private_notes_readers(participant) -> list[tuple[str, list[NoteReader]]]:
    """Return [(project title, [named coordinators])] of the staff who may read the notes.

    "Since when" is the latest time each was named, from the project's
    coordinator history (reached through the ORM relation, so this layer
    imports nothing from projects).
    """
    readers = []
    # The same test as the rule: a name left on a project after its coordinator
    # role was taken away reads nothing, so it is not listed.
    still_coordinating = set(
        coordinators_of(participant.organisation_id).values_list("pk", flat=True)
    )
    memberships = (
        participant.memberships.exclude(status=ProjectMembership.Status.LEFT)
        .select_related("project")
        .prefetch_related("project__coordinators", "project__coordinator_changes")
        .order_by("project__title")
    )
    for membership in memberships:
        project = membership.project
        added = project.coordinator_changes.model.Kind.ADDED
        # Rows come oldest first, so the last one kept is the latest naming.
        named = {
            change.coordinator_id: change
            for change in project.coordinator_changes.all()
            if change.kind == added
        }
        people = []
        for user in project.coordinators.all():
            if user.pk not in still_coordinating:
                continue
            change = named.get(user.pk)
            people.append(
                NoteReader(
                    name=str(user),
                    named_at=change.created_at if change else None,
                    on_or_before=bool(change and change.recorded_late),
                )
            )
        readers.append((project.title, sorted(people, key=lambda reader: reader.name)))
    return readers


def access_log_for(participant):
    """Return who read the person's private notes, newest first."""
    return participant.access_log.all()


def memberships_for_staff(project):
    """Return a project's people for its staff page: name, status and role names.

    Only the columns the list shows: a participant row is wide, and the list
    is read for every person in the project.
    """
    return (
        project.memberships.select_related("participant")
        .only("project", "status", "participant__preferred_name")
        .prefetch_related(
            Prefetch("roles", queryset=ProjectRole.objects.only("name"), to_attr="listed_roles")
        )
        .order_by("participant__preferred_name")
    )


def profile_summary(participant) -> dict:
    """Return the display pieces of a profile: phone as people write it, tags, areas."""

    labels = dict(CONTRIBUTE_AREAS)
    return {
        "phone": phone_for_display(participant.phone),
        "assets": [tag.name for tag in participant.assets.all()],
        "areas": [labels[key] for key in participant.contribute_areas if key in labels],
    }


def membership_get_own(user, pk) -> ProjectMembership:
    """Return one of the person's own project places, or raise Http404."""

    return get_object_or_404(
        ProjectMembership.objects.filter(participant__user=user).select_related("project"), pk=pk
    )


def current_wording(topic):
    """Return the newest wording of a consent topic."""

    return ConsentWording.objects.filter(topic=topic).order_by("-version").first()


def consent_states(participant) -> list[dict]:
    """Return, per topic: the current wording, the latest record, and what it means now."""

    latest: dict[str, ConsentRecord] = {}
    for row in ConsentRecord.objects.filter(participant=participant).select_related("wording"):
        latest.setdefault(row.wording.topic, row)  # newest first
    newest: dict[str, ConsentWording] = {}
    for version in ConsentWording.objects.order_by("topic", "-version"):
        newest.setdefault(version.topic, version)
    states = []
    for topic in ConsentTopic:
        record = latest.get(topic.value)
        wording = newest.get(topic.value)
        states.append(
            {
                "topic": topic,
                "wording": wording,
                "record": record,
                "given": bool(record and record.given),
                "words_changed": bool(
                    record and record.given and wording and record.wording_id != wording.pk
                ),
            }
        )
    return states


# The latest answer is the one in force: newest record first.
CONSENT_NEWEST_FIRST = ("-created_at", "-pk")


def has_consent(participant, topic) -> bool:
    """True only while the person's latest answer on this topic is yes.

    Every feature that contacts people, keeps data or publishes photos or
    words must ask this, so that withdrawing takes effect everywhere at once.
    """
    return consent_answer(participant, topic) is True


def consent_answer(participant, topic) -> bool | None:
    """The person's latest answer on this topic: yes, no, or None if never asked."""

    record = (
        ConsentRecord.objects.filter(participant=participant, wording__topic=topic)
        .order_by(*CONSENT_NEWEST_FIRST)
        .first()
    )
    return None if record is None else record.given


def consent_answer_of(participant_field: str, topic) -> Subquery:
    """`consent_answer` as a column of another query: the latest answer of the person in
    `participant_field` (True, False, or NULL for never asked), read by that same statement.
    """

    return Subquery(
        ConsentRecord.objects.filter(
            participant_id=OuterRef(participant_field), wording__topic=topic
        )
        .order_by(*CONSENT_NEWEST_FIRST)
        .values("given")[:1]
    )


def consent_answers(participant_ids, topic) -> dict[int, bool]:
    """`consent_answer` for many people in one query: {person id: latest answer}.

    Someone never asked is absent from the result.
    """

    answers: dict[int, bool] = {}
    rows = (
        ConsentRecord.objects.filter(participant_id__in=list(participant_ids), wording__topic=topic)
        .order_by("participant_id", *CONSENT_NEWEST_FIRST)
        .values_list("participant_id", "given")
    )
    for pk, given in rows:
        answers.setdefault(pk, given)  # the first row per person is the latest
    return answers


def participant_get_for_data_rights(user, pk) -> Participant:
    """The person themself, or someone in an organisation the user coordinates; else 404."""

    if not getattr(user, "is_authenticated", False):
        raise Http404
    people = Participant.objects.filter(
        Q(user=user) | Q(organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES))
    )
    return get_object_or_404(
        people.select_related("organisation", "user"), pk=pk, erased_at__isnull=True
    )


def people_for_staff(user, *, project=None, status="", role=None, skill=None, needs_only=False):
    """Return the people in organisations the user coordinates, filtered as asked.

    "Needs to act on" only looks at people whose communication needs the user
    may see (`participants_with_needs_visible_to`), so the filter cannot
    reveal anyone else's.
    """

    people = scope_to_organisations(
        Participant.objects.filter(erased_at__isnull=True), user, roles=COORDINATING_ROLES
    )
    # Each filter is its own EXISTS (as chained filters across memberships
    # were: someone in the project, with that status in any project), so no
    # join multiplies rows and no DISTINCT makes PostgreSQL sort every row
    # (encrypted columns included) to return one page.
    places = ProjectMembership.objects.filter(participant=OuterRef("pk"))
    if project is not None:
        people = people.filter(Exists(places.filter(project=project)))
    if status:
        people = people.filter(Exists(places.filter(status=status)))
    if role is not None:
        people = people.filter(Exists(places.filter(roles=role)))
    if skill is not None:
        tagged = Participant.assets.through.objects.filter(
            participant=OuterRef("pk"), assettag=skill
        )
        people = people.filter(Exists(tagged))
    if needs_only:
        acts = (
            Q(easy_read=True)
            | Q(large_print=True)
            | Q(screen_reader_documents=True)
            | Q(bsl_interpreter=True)
            | Q(no_phone_calls=True)
            | ~Q(interpreter_language="")
            | Q(papers_days_ahead__gt=0)
            | ~Q(other_communication_needs="")
        )
        people = people.filter(acts, pk__in=participants_with_needs_visible_to(user))
    # Only what the people list shows: a name, whether they log in, and each
    # place's project, status and roles. The rest of a person's row (contact
    # details, needs: encrypted, costly to read) is never loaded for a list.
    return (
        people.only("preferred_name", "user_id")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ProjectMembership.objects.select_related("project")
                .only("participant_id", "status", "project__title")
                .prefetch_related(Prefetch("roles", queryset=ProjectRole.objects.only("name"))),
            )
        )
        .order_by("preferred_name", "pk")
    )


def membership_get_for_staff(user, pk) -> ProjectMembership:
    """A project place in an organisation the user coordinates, or raise Http404."""

    places = ProjectMembership.objects.filter(
        project__organisation_id__in=organisation_ids_for(user, COORDINATING_ROLES)
    ).select_related("project", "project__organisation", "participant")
    return get_object_or_404(places, pk=pk)
