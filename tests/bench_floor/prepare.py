"""Migrate the floor's database, log its one user in, and print the session key.

tests/bench_http.py runs it as `python -m tests.bench_floor.prepare` with the floor's settings.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench_floor.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

from tests.bench_floor.sessions import login_session  # noqa: E402


def main():
    call_command("migrate", verbosity=0, interactive=False)
    user, _ = User.objects.get_or_create(username="floor", defaults={"email": "floor@bench.test"})
    print(login_session(user, backend="django.contrib.auth.backends.ModelBackend"))


if __name__ == "__main__":
    main()
