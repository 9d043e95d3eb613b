import rules

from coprod.accounts.models import StaffRole
from coprod.accounts.rules import is_staff_anywhere
from coprod.accounts.selectors import organisation_ids_for
from coprod.reports.selectors import active_funder_grants
from projects.rules import is_project_member, is_project_staff


@rules.predicate
def has_funder_account(user):
    """Has ever been given report access as a funder (it may have ended since).

    They keep the report list, which says their access ended and who to ask.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.funder_grants.exists()


@rules.predicate
def is_project_funder(user, project):
    """Hold an open, unexpired funder grant for the project."""
    return project is not None and active_funder_grants(user).filter(project=project).exists()


@rules.predicate
def is_org_admin_anywhere(user):
    return bool(organisation_ids_for(user, {StaffRole.ADMIN}))


rules.add_perm("reports.view_report_list", has_funder_account | is_staff_anywhere)
# Members read their project's report too, exactly as its funder does (the
# report holds nothing personal and is the same for every reader), so the
# group knows what is said about its work.
rules.add_perm(
    "reports.view_project_report", is_project_funder | is_project_staff | is_project_member
)
# Giving funders access: organisation admins, for their own organisation's projects.
rules.add_perm("reports.manage_funder_access", is_org_admin_anywhere)
