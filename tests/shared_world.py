"""Build the `world` once for a run of tests that each ask for it, not once per test.

Most tests ask for `world` (tests/conftest.py): two organisations, every role, a
meeting with a paper, money. Building it was most of each such test's time
(issue 18: `make test` took 27.5 minutes). Django's TestCase.setUpTestData shows
the way, and this does the same across test functions:

- the world's rows are made once inside an outer transaction; each test then
  runs in a savepoint inside it (pytest-django's `db` makes a savepoint when a
  transaction is already open), so whatever a test writes is rolled back and
  the next test finds the world exactly as it was built;
- each test gets its own deep copy of the objects (as setUpTestData's TestData
  does), so changes a test makes in memory never reach the next;
- what building leaves outside the database is kept and given back to every
  test: the random generators' states after building (the names a test makes
  itself are the ones it would make after building the world), the cache
  (rate-limit counts), the emails sent, and the uploaded files (a test may
  erase Jo's receipt from the disk).

The outer transaction stays open only while the tests that follow one another
can all share it. Before any other test (one without `world`, a transactional
one, one that changes settings or email before the world is built) it is rolled
back, so that test finds the database exactly as without this; and it is built
again when the day changes, since the world's dates are relative to today.
"""

import copy
import random
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import factory
import factory.random
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.utils import timezone

from tests.factories import FAKER_LOCALE, reseed_test_data

# Fixtures that, set up before `world`, would change what building it does or
# sees, or that need the database outside a transaction: such tests build their own.
BUILD_THEIR_OWN = frozenset(
    {
        "settings",
        "smtp_inbox",
        "mailoutbox",
        "django_capture_on_commit_callbacks",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


def can_share(item: pytest.Item) -> bool:
    """May this test use the world built for the tests around it?"""
    names = set(getattr(item, "fixturenames", ()))
    if "world" not in names or names & BUILD_THEIR_OWN:
        return False
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
        special = ("reset_sequences", "serialized_rollback", "databases", "available_apps")
        if transactional or any(marker.kwargs.get(name) for name in special):
            return False
    return True


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def faker_random() -> random.Random:
    return factory.Faker._get_faker(locale=FAKER_LOCALE).random


class SharedWorld:
    """The world of the tests now running, in an outer transaction they each roll back to."""

    def __init__(self, build: Callable[[], SimpleNamespace]) -> None:
        self.build = build
        self.blocker = None  # pytest-django's django_db_blocker, once the test database exists
        self.builds = 0
        self._atomic: transaction.Atomic | None = None
        self._kept: SimpleNamespace | None = None

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self) -> None:
        """Build the world for the tests to come, unless it is built already for today."""
        if self.is_open and self._kept is not None and self._kept.day == timezone.localdate():
            return
        self.close()
        default_cache = caches["default"]
        if self.blocker is None or not isinstance(default_cache, LocMemCache):
            return  # the first test builds its own while pytest-django makes the database
        with self.blocker.unblock():
            if connection.in_atomic_block:
                return
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                files_before = media_files()
                outbox = getattr(mail, "outbox", [])
                emails_before = len(outbox)
                default_cache.clear()  # as each test starts (tests/conftest.py)
                reseed_test_data()
                world = self.build()
                kept = SimpleNamespace(
                    day=timezone.localdate(),
                    world=world,
                    random_states=(
                        random.getstate(),
                        factory.random.get_random_state(),
                        faker_random().getstate(),
                    ),
                    cache_rows=dict(default_cache._cache),
                    cache_expiry=dict(default_cache._expire_info),
                    emails=list(outbox[emails_before:]),
                    files={path: path.read_bytes() for path in media_files() - files_before},
                )
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self._atomic, self._kept = atomic, kept
        self.builds += 1

    def world_for_a_test(self) -> SimpleNamespace:
        """Everything as if this test had just built the world itself."""
        kept = self._kept
        assert kept is not None
        python_state, factory_state, faker_state = kept.random_states
        random.setstate(python_state)
        factory.random.set_random_state(factory_state)
        faker_random().setstate(faker_state)
        default_cache = caches["default"]
        default_cache._cache.update(kept.cache_rows)
        default_cache._expire_info.update(kept.cache_expiry)
        if hasattr(mail, "outbox"):
            mail.outbox.extend(copy.deepcopy(kept.emails))
        for path, content in kept.files.items():
            if not path.is_file() or path.read_bytes() != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
        return copy.deepcopy(kept.world)

    def close(self) -> None:
        """Roll the world back: the database is as it was before it was built."""
        atomic, self._atomic, self._kept = self._atomic, None, None
        if atomic is None or self.blocker is None:
            return
        with self.blocker.unblock():
            if connection.in_atomic_block:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
