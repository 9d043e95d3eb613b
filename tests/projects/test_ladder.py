import pytest
from django.urls import reverse

from projects.models import LadderAssessment

pytestmark = pytest.mark.django_db


def test_the_organisation_and_members_each_give_their_view_and_history_is_kept(world, client_for):
    url = reverse("projects:ladder", kwargs={"pk": world.project.pk})

    client_for(world, "coordinator").post(
        url, {"rung": "co_designing", "reason": "We design together."}
    )
    client_for(world, "member").post(url, {"rung": "consulting", "reason": "They still decide."})
    client_for(world, "co_lead").post(url, {"rung": "engaging", "reason": "Getting there."})
    client_for(world, "coordinator").post(url, {"rung": "engaging", "reason": "Fair point."})

    rows = list(LadderAssessment.objects.filter(project=world.project).order_by("created_at", "pk"))
    assert [(r.rung, r.participant_id is not None) for r in rows] == [
        ("co_designing", False),
        ("consulting", True),
        ("engaging", True),
        ("engaging", False),
    ]
    html = client_for(world, "member").get(url).content.decode()
    assert "The organisation says: <strong>Engaging</strong>" in html
    assert "Members say: Consulting: 1; Engaging: 1." in html
    assert "They still decide." in html
    assert "We design together." in html
    # Members' views are shown without their names.
    assert "said by a member" in html
    assert f"said by {world.membership.participant.preferred_name}" not in html


def test_finance_can_read_the_ladder_but_not_answer(world, client_for):
    url = reverse("projects:ladder", kwargs={"pk": world.project.pk})
    client = client_for(world, "finance")

    assert client.get(url).status_code == 200
    assert client.post(url, {"rung": "informing", "reason": "x"}).status_code == 404
    assert not LadderAssessment.objects.exists()


def test_a_view_needs_a_reason(world, client_for):
    url = reverse("projects:ladder", kwargs={"pk": world.project.pk})
    response = client_for(world, "member").post(url, {"rung": "engaging", "reason": "  "})
    assert 'href="#id_reason"' in response.content.decode()
    assert not LadderAssessment.objects.exists()
