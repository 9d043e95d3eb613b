"""The "When reminders go" page: swaps work, odd ids and clashing times get a plain answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coprod.notifications.models import ReminderRule
from coprod.versions import stale_message
from projects.services import project_create
from tests.projects.test_stale_pages import browser, open_form, text_of

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def rules_url(world):
    return reverse("outbox:rules", kwargs={"pk": world.project.pk})


def saved(world):
    rules = ReminderRule.objects.filter(project=world.project).order_by("minutes_before")
    return [(rule.label, rule.minutes_before, rule.sms_only) for rule in rules]


@pytest.fixture
def page(world, client_for):
    client = client_for(world, "coordinator")
    client.raise_request_exception = False
    data = open_form(client, rules_url(world))
    # The page lists the two default rules, longest notice first, then an empty row.
    assert float(data["rules-0-hours_before"][0]) == 48
    return client, data


def test_the_two_default_rules_can_swap_times(world, page):
    client, data = page
    before = saved(world)
    # Each row takes the other's time and way: the rows trade places.
    data["rules-0-hours_before"], data["rules-1-hours_before"] = ["2"], ["48"]
    data["rules-0-sms_only"] = ["on"]
    data.pop("rules-1-sms_only", None)
    data["rules-0-label"], data["rules-1-label"] = ["2 hours before"], ["2 days before"]

    response = client.post(rules_url(world), data)

    assert response.status_code == 302
    assert saved(world) == before
    ids = dict(ReminderRule.objects.values_list("label", "pk"))
    assert ids["2 hours before"] == int(data["rules-0-rule"][0])


@pytest.mark.parametrize("rule_id", ["not-a-number", TOO_BIG, "-1", "0"])
def test_a_rule_id_that_names_no_rule_is_refused_plainly(world, page, rule_id):
    client, data = page
    before = saved(world)
    data["rules-0-rule"] = [rule_id]

    response = client.post(rules_url(world), data)

    assert response.status_code == 200
    assert "This reminder could not be found" in text_of(response)
    assert saved(world) == before


def test_a_row_with_no_id_at_an_existing_time_is_told_the_times_clash(world, page):
    client, data = page
    before = saved(world)
    data["rules-0-rule"] = [""]

    response = client.post(rules_url(world), data)

    assert response.status_code == 200
    assert "Two reminders are set for the same time" in text_of(response)
    assert saved(world) == before


def test_adding_a_reminder_at_an_existing_time_is_told_the_times_clash(world, page):
    client, data = page
    before = saved(world)
    data["rules-2-hours_before"] = ["48"]
    data["rules-2-active"] = ["on"]

    response = client.post(rules_url(world), data)

    assert response.status_code == 200
    assert "Two reminders are set for the same time" in text_of(response)
    assert saved(world) == before


def test_a_stale_reminders_page_is_refused_and_the_other_change_stays(world):
    coordinator, co_lead = browser(world, "coordinator"), browser(world, "co_lead")
    stale = open_form(coordinator, rules_url(world))
    theirs = open_form(co_lead, rules_url(world))
    theirs["rules-2-hours_before"] = ["24"]
    theirs["rules-2-label"] = ["The day before"]
    assert co_lead.post(rules_url(world), theirs).status_code == 302

    stale["rules-2-hours_before"] = ["4"]
    stale["rules-2-label"] = ["Just before"]
    response = coordinator.post(rules_url(world), stale)

    assert response.status_code == 200
    labels = [label for label, *_ in saved(world)]
    assert "The day before" in labels
    assert "Just before" not in labels
    html = text_of(response)
    assert stale_message("the reminders") in html
    assert "Just before" in html


def test_a_new_project_has_the_default_rules(world):
    project = project_create(
        organisation=world.org,
        by=world.users["coordinator"],
        title="Warm Welcome",
        summary="Why.",
    )

    rules = ReminderRule.objects.filter(project=project).order_by("-minutes_before")
    assert [(r.label, r.minutes_before, r.sms_only) for r in rules] == [
        ("2 days before", 48 * 60, False),
        ("2 hours before", 2 * 60, True),
    ]


def test_showing_the_page_writes_nothing(world, client_for):
    client = client_for(world, "coordinator")
    # A project that somehow has no rules is not given them by being looked at.
    ReminderRule.objects.filter(project=world.project).delete()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(rules_url(world))

    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert not ReminderRule.objects.filter(project=world.project).exists()
