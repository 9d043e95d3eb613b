import rules

from coprod.accounts.models import StaffRole
from coprod.accounts.selectors import COORDINATING_ROLES, staff_roles


@rules.predicate
def is_staff_anywhere(user):
    """Hold any staff role in any organisation."""
    return bool(staff_roles(user))


def _holds(roles):
    roles = frozenset(roles)

    def check(user, organisation):
        if organisation is None:
            return False
        return bool(staff_roles(user).get(organisation.pk, frozenset()) & roles)

    return check


is_org_staff = rules.predicate(_holds(StaffRole.values), name="is_org_staff")
is_org_coordinator = rules.predicate(_holds(COORDINATING_ROLES), name="is_org_coordinator")
is_org_admin = rules.predicate(_holds({StaffRole.ADMIN}), name="is_org_admin")
is_org_finance = rules.predicate(_holds({StaffRole.FINANCE}), name="is_org_finance")

rules.add_perm("accounts.view_dashboard", is_staff_anywhere)
rules.add_perm("accounts.view_organisation", is_org_staff)
