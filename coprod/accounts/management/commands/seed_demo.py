import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coprod.accounts import services as account_services
from coprod.accounts.models import Organisation, StaffRole, User
from participants import services as participant_services
from participants.models import Participant, ProjectMembership
from projects import services as project_services
from projects.models import FunderGrant, Project

DEMO_PASSWORD = "coprod-demo"
DEMO_DOMAIN = "demo.coprod.test"
ORGANISATION = {"name": "Demo Community Trust", "slug": "demo-community-trust"}
STAFF = [
    ("coordinator", "Sam Okafor", StaffRole.COORDINATOR),
    ("finance", "Priya Shah", StaffRole.FINANCE),
]
MEMBERS = [("member1", "Jo"), ("member2", "Alex"), ("member3", "Dee")]
PROJECTS = [
    {
        "title": "Safe Nights",
        "summary": (
            "People who have slept rough and outreach staff redesign how the night "
            "shelter welcomes people, starting with the first ten minutes at the door."
        ),
    },
    {
        "title": "Clear Letters",
        "summary": (
            "Rewriting the council's housing letters with people who receive them, "
            "so that every letter says what happens next and who to call."
        ),
    },
]


class Command(BaseCommand):
    help = "Load the demo organisation, people and projects. Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load demo logins even with debug off (never on a real installation).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password, so it only runs with "
                "DJANGO_DEBUG on. Use --force if you really mean it."
            )
        with transaction.atomic():
            logins = self.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in at /account/login/ as:"))
        for email, role in logins:
            self.stdout.write(f"  {email:<32} {role}")
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")

    def seed(self):
        organisation = Organisation.objects.filter(slug=ORGANISATION["slug"]).first()
        if organisation is None:
            organisation = account_services.organisation_create(**ORGANISATION)
        logins = []

        coordinator = None
        for local, name, role in STAFF:
            user = self.login(local, name)
            account_services.staff_role_grant(user=user, organisation=organisation, role=role)
            coordinator = coordinator or user
            logins.append((user.email, StaffRole(role).label))

        projects = []
        for spec in PROJECTS:
            project = Project.objects.filter(organisation=organisation, title=spec["title"]).first()
            if project is None:
                project = project_services.project_create(
                    organisation=organisation, by=coordinator, **spec
                )
            projects.append(project)

        for index, (local, name) in enumerate(MEMBERS):
            user = self.login(local, name)
            participant = Participant.objects.filter(organisation=organisation, user=user).first()
            if participant is None:
                participant = participant_services.participant_create(
                    organisation=organisation, by=coordinator, preferred_name=name, user=user
                )
            participant_services.membership_add(
                participant=participant,
                project=projects[0],
                by=coordinator,
                status=ProjectMembership.Status.ACTIVE,
            )
            if index == 2:
                participant_services.membership_add(
                    participant=participant,
                    project=projects[1],
                    by=coordinator,
                    status=ProjectMembership.Status.ON_BREAK,
                )
            logins.append((user.email, "Member"))

        funder = self.login("funder", "Morgan Reed (funder)")
        if not FunderGrant.objects.filter(
            project=projects[0], user=funder, revoked_at__isnull=True
        ).exists():
            project_services.funder_grant_create(
                project=projects[0],
                user=funder,
                by=coordinator,
                expires_on=timezone.localdate() + datetime.timedelta(days=365),
            )
        logins.append((funder.email, "Funder"))
        return logins

    def login(self, local, name):
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = account_services.user_create(
                email=email, password=DEMO_PASSWORD, display_name=name, email_verified=True
            )
        return user
