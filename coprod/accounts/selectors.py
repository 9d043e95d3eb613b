from dataclasses import dataclass

from django.db.models import QuerySet

from coprod.accounts.models import Organisation, StaffMembership, StaffRole, User

COORDINATING_ROLES = frozenset({StaffRole.ADMIN, StaffRole.COORDINATOR})


def staff_roles(user) -> dict[int, frozenset[str]]:
    """Return {organisation id: roles} for the user, read once per user object.

    Views call several predicates per request; memoising on the instance keeps
    that to one query. A new request loads a new user object, so roles
    granted meanwhile are seen on the next page.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_coprod_staff_roles", None)
    if cached is None:
        found: dict[int, set[str]] = {}
        for org_id, role in StaffMembership.objects.filter(user=user).values_list(
            "organisation_id", "role"
        ):
            found.setdefault(org_id, set()).add(role)
        cached = {org_id: frozenset(roles) for org_id, roles in found.items()}
        user._coprod_staff_roles = cached
    return cached


def organisation_ids_for(user, roles=None) -> set[int]:
    """Return ids of organisations where the user holds any of `roles` (any role if None)."""
    wanted = frozenset(roles) if roles is not None else None
    return {org_id for org_id, held in staff_roles(user).items() if wanted is None or held & wanted}


def organisations_for(user, roles=None) -> QuerySet[Organisation]:
    """Return the organisations where the user holds any of `roles` (any role if None)."""
    return Organisation.objects.filter(pk__in=organisation_ids_for(user, roles))


def coordinators_of(organisation_id) -> QuerySet:
    """Return the active users who coordinate (or administer) an organisation."""

    return User.objects.filter(
        is_active=True,
        staff_memberships__organisation_id=organisation_id,
        staff_memberships__role__in=COORDINATING_ROLES,
    ).distinct()


def scope_to_organisations(queryset: QuerySet, user, *, roles=None, field="organisation"):
    """Limit tenant data to the organisations where the user holds `roles`.

    Every staff read of tenant data passes through here (or through a selector
    built on it), so another organisation's object is simply not found: 404.
    """
    return queryset.filter(**{f"{field}_id__in": organisation_ids_for(user, roles)})


@dataclass(frozen=True)
class Place:
    """A landing page a person may have, in the order the home page prefers."""

    label: str
    url_name: str
    permission: str


PLACES = (
    Place("Dashboard", "accounts:dashboard", "accounts.view_dashboard"),
    Place("My next things", "participants:home", "participants.view_member_home"),
    Place("Reports", "reports:list", "reports.view_report_list"),
)


def places_for(user) -> list[Place]:
    """Return the landing pages this person may use, most preferred first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [place for place in PLACES if user.has_perm(place.permission)]
