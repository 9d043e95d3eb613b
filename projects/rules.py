import rules

from coprod.accounts.rules import is_org_coordinator, is_org_staff
from participants.models import ProjectMembership
from projects.models import Value
from projects.selectors import active_funder_grants


@rules.predicate
def is_project_staff(user, project):
    """Hold any staff role in the project's organisation."""
    return project is not None and is_org_staff(user, project.organisation)


@rules.predicate
def is_project_coordinator(user, project):
    """Coordinate (or administer) the project's organisation."""
    return project is not None and is_org_coordinator(user, project.organisation)


def _membership(user, project):
    if project is None or not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_coprod_memberships", {})
    if project.pk not in cache:
        cache[project.pk] = (
            project.memberships.filter(participant__user=user)
            .select_related("participant")
            .prefetch_related("roles")
            .first()
        )
    return cache[project.pk]


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
def is_project_funder(user, project):
    """Hold an open, unexpired funder grant for the project."""
    return project is not None and active_funder_grants(user).filter(project=project).exists()


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
rules.add_perm("projects.manage_values", leads_project)
rules.add_perm("projects.manage_phases", leads_project)
rules.add_perm("projects.propose_value", leads_project | is_active_project_member)
rules.add_perm("projects.assess_ladder", is_project_coordinator)
rules.add_perm("projects.give_ladder_view", is_project_member)
rules.add_perm("projects.view_ladder", is_project_staff | is_project_member)
# The object is a Value.
rules.add_perm(
    "projects.endorse_value", is_agreed_value & on_value_project(is_active_project_member)
)
# For the meetings and updates issues: roles that carry these powers.
rules.add_perm("projects.edit_agenda", leads_project | edits_project_agendas)
rules.add_perm("projects.post_update", leads_project | posts_project_updates)
# Co-leads never reach these; payments and participant pages will check them.
rules.add_perm("projects.manage_money", is_project_coordinator)
rules.add_perm("projects.view_personal_details", is_project_coordinator)
# The object is the organisation the new project would belong to.
rules.add_perm("projects.add_project", is_org_coordinator)
