import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "COPROD_ENCRYPTION"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "coprod.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k3y-for-the-deploy-check-only-" + "x9Qz" * 10,
    "DJANGO_ALLOWED_HOSTS": "coprod.example.org",
    "COPROD_ENCRYPTION_SALT": "salt-for-the-deploy-check-only",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    settings = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}

    result = run_manage("check", **settings)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_an_encryption_salt():
    settings = {**PRODUCTION, "COPROD_ENCRYPTION_SALT": ""}

    result = run_manage("check", **settings)

    assert result.returncode != 0
    assert "COPROD_ENCRYPTION_SALT must be set" in result.stderr


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/account/login/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
