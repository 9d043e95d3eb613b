"""The world built once for many tests (tests/shared_world.py) must look new to each.

Each test that asks for the world first checks that it is as build_world makes
it, then changes it in the database, in memory, on disk and in the cache: in any
order, a later test would see what an earlier one left behind.
"""

from django.core.cache import cache

from coprod.accounts.models import Organisation
from projects.models import Project
from tests.conftest import PDF_BYTES, SHARED_WORLD
from tests.shared_world import faker_random

DRAWS_AFTER_THE_WORLD: set[float] = set()


def check_untouched_then_change(world):
    project = Project.objects.get(pk=world.project.pk)
    assert project.title == world.project.title == "Safe Nights"
    assert not hasattr(world, "changed_by_a_test")
    assert cache.get("changed-by-a-test") is None
    receipt = world.fare.receipt
    with receipt.open("rb") as file:
        assert file.read() == PDF_BYTES
    # The made-up names go on from where building the world left them, as if
    # this test had built the world itself (pytest-randomly reseeds `random`
    # for each test's body, but not Faker's own generator).
    DRAWS_AFTER_THE_WORLD.add(faker_random().random())
    assert len(DRAWS_AFTER_THE_WORLD) == 1

    Project.objects.filter(pk=project.pk).update(title="Changed by a test")
    world.project.title = "Changed by a test"
    world.changed_by_a_test = True
    cache.set("changed-by-a-test", True)
    receipt.storage.delete(receipt.name)


def test_a_test_changes_the_world(world):
    check_untouched_then_change(world)


def test_a_test_without_the_world_finds_none_of_it(db):
    assert not SHARED_WORLD.is_open
    assert not Organisation.objects.filter(name="Riverside Trust").exists()


def test_another_test_finds_the_world_as_built(world):
    check_untouched_then_change(world)


def test_and_a_third(world):
    check_untouched_then_change(world)
    assert Organisation.objects.filter(name="Riverside Trust").count() == 1
