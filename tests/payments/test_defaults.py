"""Payment defaults are made with the organisation or project; reading them never writes."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coprod.accounts.services import organisation_create
from payments import selectors
from payments.models import Fact, PaymentPolicy, RateBasis, RateCard
from projects import services as project_services
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _living_wage_facts() -> int:
    return Fact.objects.filter(
        key__in=["rlw.uk", "rlw.london"], value__isnull=False, valid_from__isnull=False
    ).count()


def test_a_new_organisation_has_the_living_wage_rate_cards():
    organisation = organisation_create(name="Northgate Advice")
    cards = RateCard.objects.filter(organisation=organisation)
    assert cards.count() == _living_wage_facts() > 0
    assert set(cards.values_list("basis", flat=True)) == {
        RateBasis.RLW_UK,
        RateBasis.RLW_LONDON,
    }


def test_a_new_project_has_the_default_payment_policy():
    organisation = organisation_create(name="Northgate Advice")
    coordinator = StaffMembershipFactory(organisation=organisation).user
    project = project_services.project_create(
        organisation=organisation, by=coordinator, title="Fair Fares", summary="Bus fares."
    )
    policy = PaymentPolicy.objects.get(project=project)
    assert policy.basis == RateBasis.RLW_UK
    assert policy.expenses == ["travel", "childcare", "care", "refreshments", "phone_data"]
    assert selectors.policy_for(project) == policy


def test_reading_a_missing_policy_does_not_create_one(world):
    PaymentPolicy.objects.filter(project=world.project).delete()
    with pytest.raises(PaymentPolicy.DoesNotExist):
        selectors.policy_for(world.project)
    assert not PaymentPolicy.objects.filter(project=world.project).exists()


@pytest.mark.parametrize(
    ("page", "role"), [("payments:policy", "coordinator"), ("payments:rates", "finance")]
)
def test_opening_the_policy_and_rates_pages_writes_nothing(page, role, world, client_for):
    # The first visit ever: it used to make the policy and copy the rate cards.
    client = client_for(world, role)
    kwargs = {"pk": world.project.pk} if page == "payments:policy" else {}
    url = reverse(page, kwargs=kwargs)
    policies, cards = PaymentPolicy.objects.count(), RateCard.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert (PaymentPolicy.objects.count(), RateCard.objects.count()) == (policies, cards)


def test_the_migration_gives_existing_organisations_and_projects_their_defaults(world):
    # Given rows made before defaults came with the organisation and the project
    RateCard.objects.filter(organisation=world.org).delete()
    PaymentPolicy.objects.filter(project=world.project).delete()
    migration = __import__("payments.migrations.0007_payment_defaults", fromlist=["forwards"])

    # When the data migration runs (twice: it is idempotent)
    migration.forwards(apps, None)
    migration.forwards(apps, None)

    # Then they have them, once
    assert RateCard.objects.filter(organisation=world.org).count() == _living_wage_facts()
    assert PaymentPolicy.objects.filter(project=world.project).count() == 1
    assert RateCard.objects.filter(organisation=world.other_org).count() == _living_wage_facts()


def test_the_rates_page_does_not_make_missing_cards(world, client_for):
    RateCard.objects.filter(organisation=world.org).delete()
    response = client_for(world, "finance").get(reverse("payments:rates"))
    assert response.status_code == 200
    assert not RateCard.objects.filter(organisation=world.org).exists()
