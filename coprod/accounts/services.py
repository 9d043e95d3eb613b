from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from coprod.accounts.models import Organisation, StaffMembership, StaffRole, User


@transaction.atomic
def user_create(
    *, email: str, password: str | None = None, display_name: str = "", email_verified: bool = False
) -> User:
    """Create a login with its allauth email address, so login by code works at once."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already uses this email address."})
    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    return user


# Called as (organisation=...) inside organisation_create's transaction, once the
# organisation is saved. A later app gives a new organisation its defaults here
# (participants: the role catalogue; payments: the Real Living Wage rate cards)
# without this one importing it. Each adds itself in its AppConfig.ready().
ORGANISATION_CREATED_LISTENERS: list[Callable[..., object]] = []


@transaction.atomic
def organisation_create(
    *, name: str, slug: str = "", timezone: str = "Europe/London"
) -> Organisation:
    """Create an organisation (a tenant)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the organisation a name."})
    slug = slug or slugify(name)[:80]
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "Another organisation already uses this short name."})
    organisation = Organisation(name=name, slug=slug, timezone=timezone)
    organisation.full_clean()
    organisation.save()
    organisation_defaults_create(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_defaults_create(*, organisation: Organisation) -> None:
    """Give a new organisation what every organisation starts with (idempotent).

    Also for organisations saved without organisation_create (the admin site,
    test factories), so pages never have to create defaults on first read.
    """
    for listener in ORGANISATION_CREATED_LISTENERS:
        listener(organisation=organisation)


@transaction.atomic
def staff_role_grant(
    *, user: User, organisation: Organisation, role: str, by: User | None = None
) -> StaffMembership:
    """Give a user a staff role in an organisation; granting a held role changes nothing."""
    if role not in StaffRole.values:
        raise ValidationError({"role": f"Unknown staff role: {role}."})
    membership, _ = StaffMembership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    return membership
