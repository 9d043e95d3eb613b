"""docker-compose.yml cannot run here (no Docker engine), so read it: it must
describe the stack that .ci/stack-smoke proves on real PostgreSQL and Redis."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SMOKE = (ROOT / ".ci" / "stack-smoke").read_text()


def test_web_worker_and_beat_share_one_image_and_one_environment():
    services = COMPOSE["services"]
    app = [services[name] for name in ("web", "worker", "beat")]
    assert len({service["image"] for service in app}) == 1
    assert all(service["environment"] == app[0]["environment"] for service in app)
    environment = app[0]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert environment["DJANGO_DEBUG"] == "false"


def test_the_ci_smoke_runs_the_same_commands_as_compose():
    services = COMPOSE["services"]
    assert "gunicorn coprod.wsgi" in services["web"]["command"]
    assert "gunicorn coprod.wsgi" in SMOKE
    for name in ("worker", "beat"):
        command = services[name]["command"].split(" --concurrency")[0]
        assert command in SMOKE, f"{name}: {command!r} is not what .ci/stack-smoke runs"


def test_the_app_waits_for_healthy_postgres_and_redis():
    for name in ("web", "worker", "beat"):
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert "healthz" in str(COMPOSE["services"]["web"]["healthcheck"]["test"])


def test_uploaded_papers_live_on_a_volume_every_app_service_shares():
    for name in ("web", "worker", "beat"):
        assert "media:/app/var/media" in COMPOSE["services"][name]["volumes"], name
    assert "media" in COMPOSE["volumes"]
    # The image makes the folder, owned by the user the app runs as, so the
    # new volume starts out writable.
    assert "mkdir -p /app/var/media" in (ROOT / "Dockerfile").read_text()
