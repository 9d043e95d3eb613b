"""python manage.py seed_scale --members N: a large organisation for measuring reports."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from coprod.accounts.models import Organisation
from coprod.accounts.services import organisation_create
from coprod.demo.scale import grow


class Command(BaseCommand):
    help = (
        "Add a large organisation: N members across projects of about 100, two years of "
        "meetings twice a month, attendance, payments and follow-up, to measure report speed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument(
            "--per-project", type=int, default=100, help="Members per project (default 100)."
        )
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--organisation", default="Scale Test Trust", help="Name of the new organisation."
        )

    def handle(self, *args, members, per_project, months, seed, organisation, **options):
        if members < 1 or per_project < 1 or months < 1:
            raise CommandError("--members, --per-project and --months must be at least 1.")
        if Organisation.objects.filter(name=organisation).exists():
            raise CommandError(
                f'"{organisation}" already exists. Give another --organisation name, '
                "or start from an empty database."
            )
        started = time.monotonic()
        org = organisation_create(name=organisation)
        projects = max(members // per_project, 1)
        grown = grow(organisation=org, members=members, projects=projects, months=months, seed=seed)
        self.stdout.write(
            f"{org.name} ({connection.vendor}): {grown.members} members in "
            f"{len(grown.projects)} projects, {grown.meetings} meetings, "
            f"{grown.ledger_entries} ledger entries, in {time.monotonic() - started:.0f} s."
        )
