import rules

from coprod.accounts.rules import is_staff_anywhere
from projects.rules import is_project_funder, is_project_staff
from projects.selectors import active_funder_grants


@rules.predicate
def is_funder(user):
    """Hold at least one open, unexpired funder grant."""
    return active_funder_grants(user).exists()


rules.add_perm("reports.view_report_list", is_funder | is_staff_anywhere)
rules.add_perm("reports.view_project_report", is_project_funder | is_project_staff)
