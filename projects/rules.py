import rules

from coprod.accounts.rules import is_org_coordinator, is_org_staff
from participants import rules as participant_rules
from participants.models import ProjectMembership
from participants.rules import coordinates_anywhere
from projects.models import Project, Value
from projects.selectors import membership_in_project


@rules.predicate
def is_project_staff(user, project):
    """Hold any staff role in the project's organisation."""
    return project is not None and is_org_staff(user, project.organisation)


@rules.predicate
def is_project_coordinator(user, project):
    """Coordinate (or administer) the project's organisation."""
    return project is not None and is_org_coordinator(user, project.organisation)


def _membership(user, project):
    if project is None:
        return None
    return membership_in_project(user, project)


@rules.predicate
def is_project_member(user, project):
    """Have a participant profile with a place in the project (any status)."""
    return _membership(user, project) is not None


@rules.predicate
def is_active_project_member(user, project):
    """Take part in the project now: invited or active, not on a break or gone."""
    membership = _membership(user, project)
    return membership is not None and membership.status in (
        ProjectMembership.Status.ACTIVE,
        ProjectMembership.Status.INVITED,
    )


def _holds_power(power):
    def check(user, project):
        membership = _membership(user, project)
        return (
            membership is not None
            and membership.status == ProjectMembership.Status.ACTIVE
            and any(getattr(role, power) for role in membership.roles.all())
        )

    return check


# Powers come from the roles the member holds in the organisation's catalogue.
is_project_co_lead = rules.predicate(_holds_power("leads_project"), name="is_project_co_lead")
edits_project_agendas = rules.predicate(_holds_power("edits_agendas"), name="edits_agendas")
posts_project_updates = rules.predicate(_holds_power("posts_updates"), name="posts_updates")


@rules.predicate
def is_agreed_value(user, value):
    return value is not None and value.status == Value.Status.AGREED


def on_value_project(predicate):
    """Lift a project predicate to one about a value of that project."""
    return rules.predicate(
        lambda user, value: value is not None and predicate(user, value.project),
        name=f"value_{predicate.name}",
    )


# Who runs the project day to day: its organisation's coordinators, and
# members the group made co-leads. Money and personal details stay with staff.
leads_project = is_project_coordinator | is_project_co_lead

rules.add_perm("projects.view_project", is_project_staff | is_project_member)
rules.add_perm("projects.change_project", leads_project)
# Named coordinators read every member's private notes, so naming them stays
# with the organisation's coordinators and admins: a co-lead changes the
# basics of a project but never who coordinates it.
rules.add_perm("projects.change_coordinators", is_project_coordinator)
rules.add_perm("projects.manage_values", leads_project)
rules.add_perm("projects.manage_phases", leads_project)
rules.add_perm("projects.propose_value", leads_project | is_active_project_member)
rules.add_perm("projects.assess_ladder", is_project_coordinator)
rules.add_perm("projects.give_ladder_view", is_project_member)
# Either of the two above: who sees the form to add a view of the ladder.
rules.add_perm("projects.answer_ladder", is_project_coordinator | is_project_member)
rules.add_perm("projects.view_ladder", is_project_staff | is_project_member)
# The object is a Value.
rules.add_perm(
    "projects.endorse_value", is_agreed_value & on_value_project(is_active_project_member)
)
rules.add_perm("projects.edit_agenda", leads_project | edits_project_agendas)
rules.add_perm("projects.post_update", leads_project | posts_project_updates)
# Co-leads never reach these; payments and participant pages will check them.
rules.add_perm("projects.manage_money", is_project_coordinator)
rules.add_perm("projects.view_personal_details", is_project_coordinator)
# The object is the organisation the new project would belong to.
rules.add_perm("projects.add_project", is_org_coordinator)
# No object: the "new project" page, for whoever may add one to some organisation.
rules.add_perm("projects.add_project_anywhere", coordinates_anywhere)


# --- Meetings ---------------------------------------------------------------


@rules.predicate
def can_come_to_meetings(user, project):
    """Have a place in the project that has not ended (a break still counts)."""
    membership = _membership(user, project)
    return membership is not None and membership.status != ProjectMembership.Status.LEFT


@rules.predicate
def is_named_project_coordinator(user, project):
    """Be one of the coordinators named on the project (not just any org coordinator)."""
    if project is None or not user.is_authenticated or not is_project_coordinator(user, project):
        return False
    return project.coordinators.filter(pk=user.pk).exists()


@rules.predicate
def owns_action(user, action):
    """Be the person an action from a meeting belongs to."""
    if action is None or not user.is_authenticated:
        return False
    if action.owner_user_id is not None:
        return action.owner_user_id == user.pk
    return action.owner_participant.user_id == user.pk


def on_action_project(predicate):
    """Lift a project predicate to one about an action of that project."""
    return rules.predicate(
        lambda user, action: action is not None and predicate(user, action.meeting.project),
        name=f"action_{predicate.name}",
    )


# Meetings are seen by everyone who sees the project. Co-leads schedule with
# coordinators; agenda-setters shape agendas and papers; attendance feeds pay,
# so only staff record it; needs go only to the named coordinators who act on them.
rules.add_perm("projects.schedule_meeting", leads_project)
rules.add_perm("projects.rsvp_meeting", can_come_to_meetings)
rules.add_perm("projects.take_rsvps", is_project_coordinator)
rules.add_perm("projects.view_meeting_needs", is_named_project_coordinator)
rules.add_perm("projects.record_attendance", is_project_coordinator)
rules.add_perm("projects.record_notes", leads_project)
# The object is a MeetingAction.
rules.add_perm("projects.complete_action", owns_action | on_action_project(leads_project))
# The object is an organisation.
rules.add_perm("projects.manage_venues", is_org_coordinator)
# No object: the venue library, for whoever manages the venues of some organisation.
rules.add_perm("projects.manage_venues_anywhere", coordinates_anywhere)

# Promises: leads write down what members said; the organisation (its
# coordinators) answers; co-leads and peer researchers may post updates.
rules.add_perm("projects.record_contribution", leads_project)
# A member puts their own point on record (a break counts; leaving ends it).
rules.add_perm("projects.raise_point", can_come_to_meetings)
rules.add_perm("projects.respond_contribution", is_project_coordinator)

# Reviews: leads plan them and record what the group agreed; members answer
# (a break counts); coordinators give the organisation's answer beside them
# and alone read answers given only to the coordinators.
# Reviews are the group's: its members (a break counts, leaving ends it) and
# the organisation's coordinators; not finance, not people who left.
rules.add_perm("projects.view_reviews", can_come_to_meetings | is_project_coordinator)
rules.add_perm("projects.plan_review", leads_project)
rules.add_perm("projects.answer_review_as_member", can_come_to_meetings)
rules.add_perm("projects.answer_review_as_staff", is_project_coordinator)
rules.add_perm("projects.answer_review", can_come_to_meetings | is_project_coordinator)
rules.add_perm("projects.read_private_answers", is_project_coordinator)
rules.add_perm("projects.record_agreed_change", leads_project)
# A pulse after a meeting: from the people who could come to it.
rules.add_perm("projects.give_pulse", can_come_to_meetings)


def on_task_project(predicate):
    """Lift a project predicate to one about a support task of that project."""
    return rules.predicate(
        lambda user, task: task is not None and predicate(user, task.project),
        name=f"task_{predicate.name}",
    )


# Chats and check-ins are the coordinators' to act on (the object is a SupportTask).
rules.add_perm("projects.mark_task_done", on_task_project(is_project_coordinator))


# --- Stories ------------------------------------------------------------------

gathers_project_stories = rules.predicate(_holds_power("gathers_stories"), name="gathers_stories")
# Who gathers stories with their tellers and curates them: the project's leads
# and members whose role gives them that power (peer reporters).
curates_stories = leads_project | gathers_project_stories


@rules.predicate
def tells_story(user, story):
    """Be the person the story belongs to."""
    return (
        story is not None
        and user.is_authenticated
        and story.teller.user_id is not None
        and story.teller.user_id == user.pk
    )


def on_story_project(predicate):
    """Lift a project predicate to one about a story of that project."""
    return rules.predicate(
        lambda user, story: story is not None and predicate(user, story.project),
        name=f"story_{predicate.name}",
    )


@rules.predicate
def story_not_withdrawn(user, story):
    return story is not None and story.withdrawn_at is None


# Stories are the group's unless their teller says otherwise: the group is its
# members (a break counts, leaving ends it) and the organisation's coordinators.
sees_group_stories = can_come_to_meetings | is_project_coordinator
rules.add_perm("projects.view_stories", sees_group_stories)
rules.add_perm("projects.tell_story", can_come_to_meetings)
rules.add_perm("projects.gather_story", curates_stories)
rules.add_perm("projects.ask_for_story", curates_stories)
# The object is a Story. A withdrawn story is its teller's alone.
rules.add_perm(
    "projects.view_story",
    tells_story | (story_not_withdrawn & on_story_project(sees_group_stories)),
)
rules.add_perm("projects.choose_story_use", tells_story)
rules.add_perm("projects.approve_quote", tells_story)
rules.add_perm("projects.curate_story", story_not_withdrawn & on_story_project(curates_stories))
# A coordinator can take a story back for a teller who asks them to (never release one).
rules.add_perm("projects.withdraw_story", tells_story | on_story_project(is_project_coordinator))


# --- A finished project is read-only -------------------------------------------


def _project_of(obj):
    if isinstance(obj, Project):
        return obj
    if hasattr(obj, "project"):  # a value, story, task or promise
        return obj.project
    if hasattr(obj, "meeting"):  # an action from a meeting
        return obj.meeting.project
    return None


@rules.predicate
def project_not_finished(user, obj):
    """The project (or the project of the thing asked about) has not been closed."""
    project = _project_of(obj)
    return project is not None and project.status != Project.Status.FINISHED


# Every change to a project's work stops once it is closed; its history and
# reports stay. Not here, on purpose: recording attendance and money (people
# are still paid for their last meetings), saying how a past meeting felt (its
# fortnight runs on), chats and check-ins, and the teller's control of their
# stories (taking one back is possible at any time).
CLOSED_WITH_THE_PROJECT = (
    "projects.change_project",
    "projects.change_coordinators",
    "projects.manage_values",
    "projects.manage_phases",
    "projects.propose_value",
    "projects.assess_ladder",
    "projects.give_ladder_view",
    "projects.answer_ladder",
    "projects.endorse_value",
    "projects.edit_agenda",
    "projects.post_update",
    "projects.schedule_meeting",
    "projects.rsvp_meeting",
    "projects.take_rsvps",
    "projects.record_notes",
    "projects.complete_action",
    "projects.record_contribution",
    "projects.raise_point",
    "projects.respond_contribution",
    "projects.plan_review",
    "projects.answer_review_as_member",
    "projects.answer_review_as_staff",
    "projects.answer_review",
    "projects.record_agreed_change",
    "projects.tell_story",
    "projects.gather_story",
    "projects.ask_for_story",
    "projects.curate_story",
)
for _name in CLOSED_WITH_THE_PROJECT:
    rules.set_perm(_name, rules.permissions.permissions[_name] & project_not_finished)


# --- Credit and ending well ---------------------------------------------------------

rules.add_perm("projects.mark_milestone", leads_project & project_not_finished)
# Closing is the organisation's step: its coordinators answer every last point.
rules.add_perm("projects.close_project", is_project_coordinator & project_not_finished)
# A lead publishes (or takes down) the public page, before or after the close.
rules.add_perm("projects.manage_public_page", leads_project)
# A record of contribution (the object is a Participant): the person themselves,
# and the coordinators of the projects they are in, who sign it off.
rules.add_perm(
    "projects.view_record",
    participant_rules.is_self | participant_rules.is_their_organisations_coordinator,
)
rules.add_perm("projects.sign_off_record", participant_rules.is_their_organisations_coordinator)
