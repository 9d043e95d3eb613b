import datetime
import random

import factory
import factory.random
from allauth.account.models import EmailAddress
from django.utils import timezone

from coprod.accounts.models import Organisation, StaffMembership, StaffRole, User
from coprod.accounts.services import organisation_defaults_create
from coprod.notifications.services import reminder_rules_seed
from coprod.reports.models import FunderGrant
from participants.models import Participant, ProjectMembership
from participants.services import membership_add_role
from projects.models import Project
from projects.services import PROJECT_CREATED_LISTENERS

PASSWORD = "a-long-test-password-1"

# Made-up names come from Faker; every test starts it from this seed (tests/conftest.py),
# so a test makes the same people whatever ran before it and whatever order
# pytest-randomly chose. Tests that look for a made-up name in a page still
# compare with the escaped name: seeds change, and "O'Sullivan" is "O&#x27;Sullivan" there.
FAKER_SEED = 15
FAKER_LOCALE = "en_GB"


def reseed_test_data(seed: int = FAKER_SEED) -> None:
    """Start `random`, factory_boy and its Faker from `seed`.

    factory_boy's Faker shares one generator with every other Faker, and
    pytest-randomly reseeds that shared one again just before each test's body
    (from --randomly-seed). Seeding the instance gives it a generator of its own,
    so only this seed decides the names.
    """
    random.seed(seed)
    factory.random.reseed_random(seed)
    factory.Faker._get_faker(locale=FAKER_LOCALE).seed_instance(seed)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name", locale=FAKER_LOCALE)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_address(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")

    @factory.post_generation
    def defaults(obj, create, extracted, **kwargs):
        # What organisation_create gives a new organisation: roles, rate cards.
        if create:
            organisation_defaults_create(organisation=obj)


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = StaffRole.COORDINATOR


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "People with lived experience and staff design a service together."

    @factory.post_generation
    def defaults(obj, create, extracted, **kwargs):
        # As project_create does: its default reminder rules, and what other
        # apps add (the payment policy).
        if create:
            reminder_rules_seed(project=obj)
            for listener in PROJECT_CREATED_LISTENERS:
                listener(project=obj)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    preferred_name = factory.Faker("first_name", locale=FAKER_LOCALE)


class ProjectMembershipFactory(factory.django.DjangoModelFactory):
    """A place in a project; pass roles=["Co-lead"] for roles other than Member."""

    class Meta:
        model = ProjectMembership
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    participant = factory.SubFactory(
        ParticipantFactory, organisation=factory.SelfAttribute("..project.organisation")
    )
    status = ProjectMembership.Status.ACTIVE

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        if create:
            for name in extracted or ["Member"]:
                membership_add_role(membership=obj, name=name)


class FunderGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FunderGrant

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
