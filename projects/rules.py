import rules

from coprod.accounts.rules import is_org_coordinator, is_org_staff
from projects.selectors import active_funder_grants


@rules.predicate
def is_project_staff(user, project):
    """Hold any staff role in the project's organisation."""
    return project is not None and is_org_staff(user, project.organisation)


@rules.predicate
def is_project_coordinator(user, project):
    """Coordinate (or administer) the project's organisation."""
    return project is not None and is_org_coordinator(user, project.organisation)


@rules.predicate
def is_project_member(user, project):
    """Have a participant profile with a place in the project."""
    if project is None or not user.is_authenticated:
        return False
    return project.memberships.filter(participant__user=user).exists()


@rules.predicate
def is_project_funder(user, project):
    """Hold an open, unexpired funder grant for the project."""
    return project is not None and active_funder_grants(user).filter(project=project).exists()


rules.add_perm("projects.view_project", is_project_staff | is_project_member)
rules.add_perm("projects.change_project", is_project_coordinator)
# The object is the organisation the new project would belong to.
rules.add_perm("projects.add_project", is_org_coordinator)
