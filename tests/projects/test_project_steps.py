from html import unescape

import pytest
from django.urls import reverse

from projects.services import project_update_purpose

pytestmark = pytest.mark.django_db

PURPOSE = {
    "purpose": "Too many people are turned away at the door at night.",
    "can_change": "How the first ten minutes at the door work.",
    "fixed": "The number of beds: the council's contract sets it until 2028.",
}


def url(world, name):
    return reverse(f"projects:{name}", kwargs={"pk": world.project.pk})


def test_a_co_lead_writes_the_purpose_and_members_read_it(world, client_for):
    response = client_for(world, "co_lead").post(url(world, "edit_purpose"), PURPOSE)
    assert response.status_code == 302

    html = unescape(client_for(world, "member").get(url(world, "detail")).content.decode())
    for text in PURPOSE.values():
        assert text in html


def test_whitespace_only_texts_are_refused_and_nothing_saved_is_lost(world, client_for):
    project_update_purpose(project=world.project, by=None, **PURPOSE)

    response = client_for(world, "coordinator").post(
        url(world, "edit_purpose"), {**PURPOSE, "fixed": "   \n  "}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_fixed"' in html
    world.project.refresh_from_db()
    assert world.project.fixed == PURPOSE["fixed"]


def test_an_end_date_before_the_start_is_explained_next_to_the_field(world, client_for):
    response = client_for(world, "coordinator").post(
        url(world, "update"),
        {
            "title": "Safe Nights",
            "summary": "S.",
            "status": "active",
            "start_date": "2027-03-01",
            "end_date": "2027-02-01",
        },
    )

    html = response.content.decode()
    assert "The end date is before the start date." in html
    assert 'href="#id_end_date"' in html
    world.project.refresh_from_db()
    assert world.project.start_date is None


def test_check_my_words_advises_without_saving(world, client_for):
    response = client_for(world, "coordinator").post(
        url(world, "edit_purpose"),
        {
            **PURPOSE,
            "purpose": "We want hard to reach service users in stakeholder engagement.",
            "check": "1",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Plain-language check" in html
    assert "“hard to reach”" in html
    assert "“stakeholder engagement”" in html
    world.project.refresh_from_db()
    assert world.project.purpose == ""


def test_the_check_never_blocks_saving(world, client_for):
    client = client_for(world, "coordinator")
    response = client.post(
        url(world, "edit_purpose"), {**PURPOSE, "purpose": "Deliverables for service users."}
    )

    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.purpose == "Deliverables for service users."
    # Back on the step, the advice is shown for what was saved.
    assert "“deliverables”" in client.get(url(world, "edit_purpose")).content.decode()


def test_how_to_raise_a_problem_must_be_said(world, client_for):
    response = client_for(world, "coordinator").post(
        url(world, "edit_ways"), {"problems": " ", "payment_approach": "Cash, within a week."}
    )
    assert 'href="#id_problems"' in response.content.decode()


def test_a_co_lead_cannot_reach_money_or_personal_details(world):
    co_lead = world.users["co_lead"]
    assert co_lead.has_perm("projects.change_project", world.project)
    assert not co_lead.has_perm("projects.manage_money", world.project)
    assert not co_lead.has_perm("projects.view_personal_details", world.project)


def test_each_step_has_its_own_page_title(world, client_for):
    client = client_for(world, "coordinator")
    titles = {
        name: client.get(url(world, name)).content.decode().split("<title>")[1].split("</title>")[0]
        for name in ("update", "edit_purpose", "edit_ways", "values", "phases")
    }
    assert titles["edit_purpose"].startswith("Purpose and scope")
    assert len(set(titles.values())) == 5


def test_only_the_organisations_coordinators_can_be_named_on_a_project(world):
    from django.core.exceptions import ValidationError

    from projects.services import project_update

    with pytest.raises(ValidationError) as raised:
        project_update(
            project=world.project,
            by=world.users["coordinator"],
            title="Safe Nights",
            summary="S.",
            coordinators=[world.users["coordinator"], world.users["finance"]],
        )
    assert "coordinators" in raised.value.message_dict
    assert list(world.project.coordinators.all()) == [world.users["coordinator"]]
