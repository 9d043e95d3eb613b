"""The real services: the database and the Celery broker, with a real worker.

These run against whatever DATABASE_URL and REDIS_URL name. In CI
(.ci/run sets COPROD_REQUIRE_SERVICES=1) that is PostgreSQL and Redis, and an
unreachable service fails the run: nothing here skips.
"""

import os
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, connection

from coprod.accounts.models import Organisation
from coprod.accounts.services import organisation_create
from coprod.celery import app as celery_app

pytestmark = pytest.mark.services


@celery_app.task(name="tests.create_organisation")
def create_organisation_task(name):
    organisation_create(name=name)


def test_the_suite_runs_on_the_services_the_environment_names():
    database_url = os.environ.get("DATABASE_URL", "")
    expected_vendor = "postgresql" if database_url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected_vendor
    expected_transport = "redis" if os.environ.get("REDIS_URL") else "sqlalchemy"
    assert celery_app.connection_for_write().transport.driver_name == expected_transport


# serialized_rollback: the flush after a transactional test must give back the
# rows that data migrations seeded (consent wordings, plain-language terms).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_task_sent_through_the_broker():
    # The broker must answer: an unreachable one fails here, loudly.
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2, interval_start=0, interval_step=1, timeout=5)

    queue = f"test-{uuid.uuid4().hex}"
    name = f"Made by the worker {queue}"
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10
    ):
        create_organisation_task.apply_async(args=[name], queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Organisation.objects.filter(name=name).exists():
                    break
            except OperationalError:
                pass  # SQLite's shared in-memory test database locks while the worker writes
            time.sleep(0.2)

    assert Organisation.objects.filter(name=name).exists()
