"""The suite's own footing: a test gets the same made-up people and a database with its
migrated rows in it, whatever ran before it (pytest-randomly shuffles the order)."""

import faker.generator
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from coprod.notifications.models import Notification
from participants.models import ConsentWording
from tests.conftest import build_world, restore_migrated_state
from tests.factories import ParticipantFactory, UserFactory, reseed_test_data


def made_up_names() -> list[str]:
    return [UserFactory.build().display_name, ParticipantFactory.build().preferred_name]


def test_every_test_starts_faker_from_the_fixed_seed():
    # The autouse fixture seeded Faker before this test; pytest-randomly has since
    # reseeded the generator every other Faker shares, from --randomly-seed.
    first = made_up_names()

    faker.generator.random.seed(20261202)  # as pytest-randomly or another test might
    reseed_test_data()

    assert made_up_names() == first


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_servers_world_builds_after_a_transactional_test_emptied_the_database():
    # Given content types are cached, and the database is then emptied the way a
    # serialized_rollback test leaves it when it ends
    ContentType.objects.get_for_models(*apps.get_models())
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not ContentType.objects.exists()

    # When the browser tests' set-up puts the migrated rows back and builds its world
    restore_migrated_state()
    world = build_world()

    # Then the world's messages point at content types that exist, and the
    # seeded consent wordings are there
    assert Notification.objects.filter(project=world.project).exists()
    assert ConsentWording.objects.exists()
