"""A project's report page and its CSV tables: what funders see, and what they never see."""

import csv
import datetime
import io
import re

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from coprod.reports.models import ReportEvent
from participants.models import ProjectMembership, ProjectRole
from tests.factories import ProjectMembershipFactory

pytestmark = pytest.mark.django_db


def report_url(world, **query):
    url = reverse("reports:project", kwargs={"pk": world.project.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_funder_reads_the_report_with_its_dates_and_when_it_was_produced(world, client_for):
    response = client_for(world, "funder").get(report_url(world))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Safe Nights" in html
    assert f"{timezone.localdate():%-d %B %Y}</strong>" in html
    assert "Produced on" in html
    for heading in ("People", "Work", "Money", "Follow-through", "Honesty"):
        assert f">{heading}</h2>" in html


def test_no_name_or_self_description_reaches_the_page_or_any_csv(world, client_for):
    person = world.membership.participant
    person.preferred_name, person.full_name = "Zebedee", "Zebedee Quartermain"
    person.self_description = "I grew up in care and slept rough in 2019."
    person.save()
    client = client_for(world, "funder")

    pages = [client.get(report_url(world)).content.decode()]
    for key in (
        "people",
        "joined",
        "roles",
        "described",
        "meetings",
        "work",
        "hours",
        "money",
        "payment",
        "responses",
        "promises",
        "ladder",
        "ladder-history",
        "values",
    ):
        url = reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": key})
        pages.append(str(csv_rows(client.get(url))))

    for text in pages:
        assert "Zebedee" not in text
        assert "slept rough" not in text
        # The name as a word: random tokens on the page (CSRF) may hold the letters.
        assert re.search(r"\bJo\b", text) is None
        assert world.offline.phone not in text


def test_the_subtraction_case_is_hidden_on_the_page_and_in_the_csv(world, client_for):
    # Nine members in all: the project's four, five more active, one on a
    # break and one who left. "Active" beside the total would give away that
    # two people are away or gone.
    ProjectMembershipFactory.create_batch(5, project=world.project)
    ProjectMembershipFactory(project=world.project, status=ProjectMembership.Status.ON_BREAK)
    ProjectMembershipFactory(
        project=world.project,
        status=ProjectMembership.Status.LEFT,
        status_changed_on=timezone.localdate(),
    )
    client = client_for(world, "funder")

    url = reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "people"})
    rows = dict(csv_rows(client.get(url)))

    assert rows["Taking a break"] == "fewer than 5"
    assert rows["Left"] == "fewer than 5"
    assert rows["Active"] == "not shown: it would give away a small number"
    total = int(rows["All members involved"])
    assert (
        total
        == ProjectMembership.objects.filter(
            project=world.project, status__in=["active", "on_break", "left"]
        ).count()
    )
    html = client.get(report_url(world)).content.decode()
    assert '<td class="number">fewer than 5</td>' in html


def test_csv_cells_that_start_a_formula_are_neutralised(world, client_for):
    role = ProjectRole.objects.create(organisation=world.org, name='=HYPERLINK("http://x","y")')
    world.membership.roles.add(role)

    url = reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "roles"})
    response = client_for(world, "coordinator").get(url)
    rows = csv_rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "safe-nights-roles-" in response["Content-Disposition"]
    assert rows[0] == ["Role", "People holding it"]
    assert ['\'=HYPERLINK("http://x","y")', "fewer than 5"] in rows


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        ({"period": "0001-01"}, "outside this project&#x27;s life"),
        ({"period": "9999-12"}, "outside this project&#x27;s life"),
        ({"period": "fy9999-00"}, "outside this project&#x27;s life"),
        ({"period": "fy0001-02-q1"}, "outside this project&#x27;s life"),
        ({"period": "1" * 20}, "We could not read that period"),
        ({"period": "2025-13"}, "We could not read that period"),
        ({"period": "fy2025-27"}, "We could not read that period"),
        ({"period": "<script>"}, "We could not read that period"),
        ({"period": "\u0662\u0660\u0662\u0665-\u0661\u0661"}, "We could not read that period"),
        ({"period": "x" * 10_000}, "We could not read that period"),
        ({"start": "2025-11-11", "end": "2025-11-21"}, "no longer take dates you type"),
        ({"start": "2025-11-21", "end": "2025-11-11"}, "no longer take dates you type"),
    ],
)
def test_a_period_the_project_does_not_have_is_a_clear_message(world, client_for, asked, message):
    client = client_for(world, "funder")

    page = client.get(reverse("reports:project", kwargs={"pk": world.project.pk}), asked)
    export = client.get(
        reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "money"}), asked
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert 'name="period"' in html  # the chooser is there to try again
    assert export.status_code == 400
    assert message.replace("&#x27;", "'") in export.content.decode()


def test_the_period_chooser_offers_the_project_s_years_quarters_and_months(world, client_for):
    today = timezone.localdate()
    client = client_for(world, "funder")

    html = client.get(report_url(world)).content.decode()

    assert '<label class="form-label" for="id_period">Period</label>' in html
    assert '<option value="life" selected>The whole life of the project</option>' in html
    assert f'<option value="{today:%Y-%m}">{today:%B %Y}</option>' in html
    assert '<optgroup label="Financial years">' in html
    chosen = client.get(report_url(world, period=f"{today:%Y-%m}"))
    assert chosen.status_code == 200
    assert f"Covers <strong>{today:%B %Y}</strong>" in chosen.content.decode()


def test_a_table_that_does_not_exist_is_not_found(world, client_for):
    url = reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "bank-details"})

    assert client_for(world, "funder").get(url).status_code == 404


def test_another_organisations_project_is_not_found(world, client_for):
    url = reverse("reports:project", kwargs={"pk": world.other_project.pk})

    assert client_for(world, "funder").get(url).status_code == 404
    assert client_for(world, "coordinator").get(url).status_code == 404


def test_an_expired_grant_says_when_access_ended_and_who_to_ask(world, client_for):
    funder = world.users["funder"]
    funder.funder_grants.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    client = client_for(world, "funder")

    page = client.get(report_url(world))
    export = client.get(
        reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "money"})
    )
    listing = client.get(reverse("reports:list")).content.decode()

    assert page.status_code == 403
    assert "ended on" in page.content.decode()
    assert "Riverside Trust" in page.content.decode()
    assert export.status_code == 403
    assert "ended on" in listing
    assert reverse("reports:project", kwargs={"pk": world.project.pk}) not in listing


def test_reading_and_exporting_are_logged_against_the_grant(world, client_for):
    client = client_for(world, "funder")
    grant = world.users["funder"].funder_grants.get()

    client.get(report_url(world))
    csv_rows(
        client.get(
            reverse("reports:project_csv", kwargs={"pk": world.project.pk, "table": "money"})
        )
    )

    events = list(ReportEvent.objects.filter(user=world.users["funder"]).order_by("pk"))
    assert [e.kind for e in events] == ["viewed", "exported"]
    assert all(e.grant == grant and e.as_funder for e in events)
    assert events[1].detail.startswith("money")


def test_the_portfolio_sorts_by_a_column_and_hidden_figures_sort_last(world, client_for):
    from tests.factories import FunderGrantFactory, ProjectFactory

    funder = world.users["funder"]
    big = ProjectFactory(organisation=world.org, title="Big Project")
    ProjectMembershipFactory.create_batch(7, project=big)
    FunderGrantFactory(project=big, user=funder)
    client = client_for(world, "funder")

    html = client.get(
        reverse("reports:list"), {"sort": "members", "order": "desc"}
    ).content.decode()

    assert html.index("Big Project") < html.index("Safe Nights")
    assert 'aria-sort="descending"' in html
    html = client.get(reverse("reports:list"), {"sort": "members", "order": "asc"}).content.decode()
    # Safe Nights has fewer than 5 members: it is not "smaller" than anything, it sorts last.
    assert html.index("Big Project") < html.index("Safe Nights")
    # Each read of the portfolio is logged once for the organisation whose projects it showed.
    assert ReportEvent.objects.filter(user=funder, kind="portfolio").count() == 2


def _report_part(html):
    """The report itself, from its first heading to the end of the main content."""
    start = html.index('id="headline-heading"')
    return html[start : html.index("</main>")]


@pytest.mark.parametrize("role", ["member", "other_member", "co_lead"])
def test_members_read_exactly_what_the_funder_reads(world, client_for, role):
    person = world.membership.participant
    person.self_description = "I grew up in care and slept rough in 2019."
    person.save()
    funder = client_for(world, "funder").get(report_url(world)).content.decode()

    response = client_for(world, role).get(report_url(world))

    html = response.content.decode()
    assert response.status_code == 200
    assert _report_part(html) == _report_part(funder)
    assert "slept rough" not in html
    # A member has no portfolio: the way out is back to the project.
    assert f'href="{reverse("reports:list")}"' not in html
    assert reverse("projects:detail", kwargs={"pk": world.project.pk}) in html


def test_a_member_reaches_the_report_from_the_project_page(world, client_for):
    page = client_for(world, "member").get(
        reverse("projects:detail", kwargs={"pk": world.project.pk})
    )

    assert reverse("reports:project", kwargs={"pk": world.project.pk}) in page.content.decode()


def test_a_member_of_another_project_cannot_read_this_report(world, client):
    from tests.factories import ProjectFactory

    elsewhere = ProjectFactory(organisation=world.project.organisation)
    other = ProjectMembershipFactory(project=elsewhere).participant
    client.force_login(other.user)

    assert client.get(report_url(world)).status_code == 404
    assert client.get(reverse("reports:project", kwargs={"pk": elsewhere.pk})).status_code == 200
