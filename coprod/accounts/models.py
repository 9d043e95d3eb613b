import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from coprod.models import TimeStampedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Every user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """A person who can log in. Their roles come from memberships, not flags.

    `is_staff` only opens Django's admin site for the people who run the
    installation; organisation staff roles live in `StaffMembership`.
    """

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        "name", max_length=150, blank=True, help_text="How Coprod addresses you."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("can use the admin site", default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Moves on whenever what this person may reach changes (staff roles,
    # participant profiles, funder grants; see accounts/navigation.py), so
    # every session of theirs works out its navigation again on the next page.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()  # type: ignore[misc,assignment]

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # typed as a ClassVar by AbstractBaseUser

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self):
        return self.display_name or self.email


def validate_timezone(name):
    """Accept only zones the IANA database knows, such as Europe/London."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(f"{name!r} is not a time zone we know.") from error


class Organisation(TimeStampedModel):
    """A tenant: a charity, trust, council or university running projects."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    timezone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_timezone],
        help_text="Used for meeting times and reminders.",
    )
    payment_target_days = models.PositiveSmallIntegerField(
        "pay people within this many days of the work", default=7
    )
    papers_days_default = models.PositiveSmallIntegerField(
        "send meeting papers this many days before, unless someone needs them earlier",
        default=7,
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class StaffRole(models.TextChoices):
    ADMIN = "admin", "Organisation admin"
    COORDINATOR = "coordinator", "Coordinator"
    FINANCE = "finance", "Finance"


class StaffMembership(TimeStampedModel):
    """One role a user holds in one organisation; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    role = models.CharField(max_length=20, choices=StaffRole.choices)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_staff_role_once_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRole.values), name="accounts_staff_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"

    def get_absolute_url(self):
        return reverse("accounts:dashboard")
