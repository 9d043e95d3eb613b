import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import Phase

pytestmark = pytest.mark.django_db


def names(project):
    return list(project.phases.values_list("name", flat=True))


def rows_for(project, **changes):
    rows = []
    for phase in project.phases.all():
        row = {
            "phase": phase,
            "name": phase.name,
            "description": phase.description,
            "position": phase.position,
            "remove": False,
        }
        row.update(changes.get(phase.name, {}))
        rows.append(row)
    return rows


def test_a_project_can_start_from_the_poverty_truth_commission_phases(world):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")

    assert names(world.project) == ["Engagement", "Exploration", "Experimentation", "Embedding"]
    world.project.refresh_from_db()
    assert world.project.current_phase.name == "Engagement"


def test_renaming_a_phase_keeps_it_current(world):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")
    world.project.refresh_from_db()
    current = world.project.current_phase

    services.phases_save(
        project=world.project,
        by=None,
        rows=rows_for(world.project, Engagement={"name": "Getting to know each other"}),
        current_phase=current,
    )

    world.project.refresh_from_db()
    assert world.project.current_phase.pk == current.pk
    assert world.project.current_phase.name == "Getting to know each other"


def test_phases_can_be_reordered_added_and_removed(world):
    services.phases_start_from_template(project=world.project, by=None, template="meam")
    rows = rows_for(
        world.project,
        **{
            "Review and improve": {"position": 1},
            "Share power and responsibility": {"remove": True},
        },
    )
    rows.append({"phase": None, "name": "Celebrate", "description": "", "position": None})
    rows.append(
        {"phase": None, "name": "  ", "description": "", "position": None}
    )  # blank extra row

    services.phases_save(project=world.project, by=None, rows=rows, current_phase=None)

    assert names(world.project) == [
        "Review and improve",
        "Set purpose and build relationships",
        "Create ways to be involved",
        "Celebrate",
    ]
    assert list(world.project.phases.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_two_phases_can_swap_names(world):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")
    rows = rows_for(
        world.project, Engagement={"name": "Exploration"}, Exploration={"name": "Engagement"}
    )
    services.phases_save(project=world.project, by=None, rows=rows, current_phase=None)
    assert names(world.project)[:2] == ["Exploration", "Engagement"]


def test_duplicate_names_are_refused_and_nothing_is_lost(world):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")
    before = names(world.project)
    rows = rows_for(world.project, Exploration={"name": "engagement "})

    with pytest.raises(ValidationError, match="own name"):
        services.phases_save(project=world.project, by=None, rows=rows, current_phase=None)
    assert names(world.project) == before


def test_the_current_phase_cannot_be_removed(world):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")
    world.project.refresh_from_db()
    rows = rows_for(world.project, Engagement={"remove": True})

    with pytest.raises(ValidationError, match="current phase"):
        services.phases_save(
            project=world.project, by=None, rows=rows, current_phase=world.project.current_phase
        )
    assert Phase.objects.filter(project=world.project).count() == 4


def test_the_phases_page_shows_a_duplicate_error_and_keeps_what_was_typed(world, client_for):
    services.phases_start_from_template(project=world.project, by=None, template="ptc")
    phases = list(world.project.phases.all())
    data = {"phases-TOTAL_FORMS": "6", "phases-INITIAL_FORMS": "4", "current_phase": ""}
    for i, phase in enumerate(phases):
        data |= {
            f"phases-{i}-phase": phase.pk,
            f"phases-{i}-name": phase.name,
            f"phases-{i}-position": phase.position,
        }
    data["phases-4-name"] = "Embedding"
    data["phases-5-name"] = "Something new"

    response = client_for(world, "co_lead").post(
        reverse("projects:phases", kwargs={"pk": world.project.pk}), data
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Used more than once: embedding." in html
    assert html.count("Another phase has this name.") == 2
    assert 'value="Something new"' in html
    assert world.project.phases.count() == 4
