import json

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from coprod.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "vendor": connection.vendor},
        "broker": {"ok": True, "transport": "redis" if settings.REDIS_URL else "sqlalchemy"},
    }


def test_healthz_never_shows_an_address_or_a_secret(client):
    text = json.dumps(client.get(reverse("healthz")).json())

    assert "://" not in text
    assert "@" not in text
    assert settings.SECRET_KEY not in text


def test_healthz_says_unhealthy_when_the_broker_is_unreachable(client, monkeypatch):
    # Nothing listens on port 1: a broker that is down.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True
