import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from coprod.accounts import services as account_services
from coprod.accounts.models import Organisation, StaffRole, User
from coprod.notifications.services import cancel_pending
from coprod.reports.models import FunderGrant
from coprod.reports.services import funder_grant_create
from participants import services as participant_services
from participants.models import ConsentTopic, Participant, ProjectMembership
from payments import services as money
from projects import services as project_services
from projects.ending import services as ending_services
from projects.meetings import services as meetings
from projects.models import MilestoneKind, Project, PublicPage, Rung, Story, StoryNaming, StoryReach
from projects.reviews.services import review_schedule
from projects.stories import services as story_services

DEMO_PASSWORD = "coprod-demo"
DEMO_DOMAIN = "demo.coprod.test"
ORGANISATION = {"name": "Demo Community Trust", "slug": "demo-community-trust"}
STAFF = [
    ("coordinator", "Sam Okafor", StaffRole.COORDINATOR),
    ("finance", "Priya Shah", StaffRole.FINANCE),
    ("admin", "Morgan Reid", StaffRole.ADMIN),
]
# (login, name, how they like to be contacted, mobile number). Each member
# agreed to be contacted and can be reached: under `make run` their emails and
# texts appear in the terminal. Alex (member2) co-leads Safe Nights; Jo and
# Dee are plain members.
MEMBERS = [
    ("member1", "Jo", Participant.Channel.EMAIL, "07911 123456"),
    ("member2", "Alex", Participant.Channel.SMS, "07911 123457"),
    ("member3", "Dee", Participant.Channel.EMAIL, "07911 123458"),
]
CO_LEAD = "member2"
SAFE_NIGHTS_TEXTS = {
    "purpose": (
        "Too many people leave the night shelter door without a bed or a kind word. "
        "We want the first ten minutes to feel safe and respectful."
    ),
    "can_change": (
        "How people are greeted, what is asked at the door, the waiting area, and what "
        "happens when the shelter is full."
    ),
    "fixed": (
        "The number of beds (set by the council contract until 2028) and the fire rules "
        "for the building."
    ),
}
SAFE_NIGHTS_WAYS = {
    "problems": "Talk to Sam (coordinator) or Alex (co-lead), or email the trust's complaints "
    "team.",
    "payment_approach": "Paid by bank transfer at the Real Living Wage within a week, plus travel.",
    "confidentiality": "What people share stays in the room. Notes never use anyone's name.",
    "support": "A chat before and after every meeting, and Priya as wellbeing contact.",
}
SAFE_NIGHTS_VALUES = [
    (
        "Nothing about us without us",
        "Decisions about the door are made with people who use it.",
        True,
    ),
    ("Pay people on time", "Nobody waits more than a week for money they are owed.", True),
    ("Tea first", "Every meeting starts with a cup of tea and a catch-up.", False),
]
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


DEMO_VENUE = {
    "name": "Riverside Community Hall",
    "address": "12 Mill Lane\nRiverside\nRS1 2AB",
    "getting_there": "Bus 42 or 43 to Mill Lane. The hall is two minutes' walk, all flat.",
    "step_free": True,
    "accessible_toilet": True,
    "hearing_loop": True,
    "quiet_room": True,
    "parking": False,
    "childcare": None,
    "notes": "Ring the bell by the blue door. Someone will meet you.",
}
# A one-page PDF that says "Draft house rules", small enough to keep here.
DEMO_PAPER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 52>>stream\nBT /F1 24 Tf 72 760 Td (Draft house rules) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


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
            if not project.coordinators.filter(pk=coordinator.pk).exists():
                project_services.project_coordinators_set(
                    project=project,
                    by=coordinator,
                    coordinators=[*project.coordinators.all(), coordinator],
                )
            projects.append(project)

        for index, (local, name, channel, phone) in enumerate(MEMBERS):
            user = self.login(local, name)
            participant = Participant.objects.filter(organisation=organisation, user=user).first()
            if participant is None:
                participant = participant_services.participant_create(
                    organisation=organisation, by=coordinator, preferred_name=name, user=user
                )
            if not participant.email:
                participant_services.profile_update_contact(
                    participant=participant,
                    by=user,
                    preferred_name=name,
                    email=user.email,
                    phone=phone,
                    preferred_channel=channel,
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
            if not participant.consents.exists():
                for topic in (ConsentTopic.CONTACT, ConsentTopic.DATA_KEPT):
                    participant_services.consent_record(
                        participant=participant, topic=topic, given=True, by=user
                    )
            role = "Member, co-lead of Safe Nights" if local == CO_LEAD else "Member"
            logins.append((user.email, f"{role} ({Participant.Channel(channel).label.lower()})"))

        self.write_up_safe_nights(projects[0], coordinator)
        self.co_lead(projects[0], coordinator)
        jo = Participant.objects.get(
            organisation=organisation, user__email=f"member1@{DEMO_DOMAIN}"
        )
        self.plan_meetings(projects[0], coordinator, jo)
        self.stories_and_credit(projects[0], coordinator, jo)

        funder = self.login("funder", "Morgan Reed (funder)")
        if not FunderGrant.objects.filter(
            project=projects[0], user=funder, revoked_at__isnull=True
        ).exists():
            funder_grant_create(
                project=projects[0],
                user=funder,
                by=coordinator,
                expires_on=timezone.localdate() + datetime.timedelta(days=365),
            )
        logins.append((funder.email, "Funder"))
        return logins

    def stories_and_credit(self, project, coordinator, jo):
        """Jo's story, shared with the funder with one quote; a milestone; a public page."""
        if not Story.objects.filter(project=project, teller=jo).exists():
            story = story_services.story_tell(
                project=project,
                teller=jo,
                by=jo.user,
                title="Somewhere to be at night",
                words="I used to walk all night. Now there is a warm place and people who "
                "ask what I think. I helped write the new house rules.",
            )
            story_services.quote_add(
                story=story, by=jo.user, words="Now there is a warm place and people who ask."
            )
            story_services.story_choose(
                story=story, by=jo.user, reach=StoryReach.FUNDER, naming=StoryNaming.CREDITED
            )
        if not project.milestones.exists():
            ending_services.milestone_mark(
                project=project,
                by=coordinator,
                kind=MilestoneKind.CHANGE,
                title="The shelter opens at 8pm, not 10pm",
                happened_on=timezone.localdate() - datetime.timedelta(days=3),
                what_it_means="People no longer wait outside in the cold.",
                credited=[jo],
            )
        if not PublicPage.objects.filter(project=project).exists():
            ending_services.public_page_save(
                project=project,
                by=coordinator,
                summary="People who have slept rough and the shelter team plan safer nights "
                "together.",
                publish=True,
            )

    def co_lead(self, project, coordinator):
        """Alex co-leads; everyone else is a plain member (earlier demos made Jo co-lead)."""
        for membership in project.memberships.select_related("participant__user"):
            roles = list(membership.roles.all())
            names = {role.name for role in roles}
            leads = membership.participant.user.email == f"{CO_LEAD}@{DEMO_DOMAIN}"
            if leads and "Co-lead" not in names:
                participant_services.membership_add_role(membership=membership, name="Co-lead")
            elif not leads and "Co-lead" in names:
                participant_services.membership_update(
                    membership=membership,
                    by=coordinator,
                    status=membership.status,
                    roles=[role for role in roles if role.name != "Co-lead"],
                )

    def write_up_safe_nights(self, project, coordinator):
        """Purpose, ways of working, phases, values and ladder views, once."""
        if project.purpose:
            return
        project_services.project_update_purpose(
            project=project, by=coordinator, **SAFE_NIGHTS_TEXTS
        )
        project_services.project_update_ways_of_working(
            project=project, by=coordinator, **SAFE_NIGHTS_WAYS
        )
        project_services.phases_start_from_template(project=project, by=coordinator, template="ptc")
        for title, meaning, agreed in SAFE_NIGHTS_VALUES:
            value = project_services.value_propose(
                project=project, by=coordinator, title=title, meaning=meaning
            )
            if agreed:
                project_services.value_agree(
                    value=value, by=coordinator, agreed_on=timezone.localdate()
                )
        project_services.ladder_assess(
            project=project,
            by=coordinator,
            rung=Rung.CO_DESIGNING,
            reason="Members shape the plans, but the trust still signs them off.",
        )

    def plan_meetings(self, project, coordinator, jo):
        """A venue, next week's meeting with an agenda and a paper, and last week's notes, once."""

        self.meetings = meetings
        if project.meetings.exists():
            return
        venue = meetings.venue_save(
            organisation=project.organisation,
            by=coordinator,
            **DEMO_VENUE,
        )
        zone = project.organisation.zone

        def at(days, hour):
            day = timezone.localdate() + datetime.timedelta(days=days)
            return datetime.datetime.combine(day, datetime.time(hour, 30), tzinfo=zone)

        details = {
            "purpose": "Agree the shelter's house rules with the people who will stay there.",
            "format": "hybrid",
            "venue": venue,
            "online_link": "https://meet.example.org/safe-nights",
            "dial_in": "0161 496 0123",
            "joining_help": "Text Alex on 07911 123457 if the link does not work.",
            "refreshments": "Lunch, with vegan and halal options.",
            "travel_covered": True,
            "childcare_covered": True,
        }
        upcoming = meetings.meeting_schedule(
            project=project,
            by=coordinator,
            starts_at=at(6, 10),
            ends_at=at(6, 12),
            title="House rules workshop",
            **details,
        )
        meetings.agenda_save(
            meeting=upcoming,
            by=coordinator,
            rows=[
                {"title": "Welcome, and how we work together", "led_by": None},
                {"title": "The rules now: what gets in the way?", "led_by": jo},
                {"title": "Our draft: agree, change or drop each rule", "led_by": None},
            ],
        )
        meetings.paper_add(
            meeting=upcoming,
            by=coordinator,
            upload=ContentFile(DEMO_PAPER, name="draft-house-rules.pdf"),
            title="Draft house rules",
            plain_summary="The shelter's rules as they are now, so we can change them together.",
        )
        past = meetings.meeting_schedule(
            project=project,
            by=coordinator,
            starts_at=at(-8, 14),
            ends_at=at(-8, 16),
            now=timezone.now() - datetime.timedelta(days=30),
            title="Getting started",
            **{**details, "purpose": "Meet each other and agree how we will work."},
        )
        # Written up after it happened: nobody should now be invited to it, or reminded.
        cancel_pending(about=past, reason="Added to the demo after the meeting.")
        meetings.notes_post(
            meeting=past,
            by=coordinator,
            notes="We met for the first time. We agreed to meet every two weeks, "
            "and to start with the house rules.",
        )
        meetings.action_add(
            meeting=past,
            by=coordinator,
            description="Bring a copy of the current house rules",
            due_on=timezone.localdate() + datetime.timedelta(days=5),
            owner_participant=jo,
        )
        self.money(project, coordinator, past)
        if not project.reviews.exists():
            # A review open now, talked over at the meeting that follows.
            today = timezone.localdate()
            review_schedule(
                project=project,
                by=coordinator,
                title="Our first look back",
                opens_on=today,
                closes_on=today + datetime.timedelta(days=14),
                meeting=upcoming,
            )

    def money(self, project, coordinator, past):
        """Choices, a limit, claims from last week's attendance, and a bus fare to pay."""

        people = list(
            Participant.objects.filter(memberships__project=project).order_by("preferred_name")
        )
        first, second, third = people[:3]
        money.benefits_save(
            participant=first, by=first.user, benefits=["uc"], limit_pence=5000, period="month"
        )
        money.payment_choice_save(
            participant=third,
            by=third.user,
            method="vouchers",
            voucher_provider="Love2shop",
            voucher_reason="They asked for vouchers while their Carer's Allowance is reviewed.",
        )
        self.meetings.attendance_record(
            meeting=past,
            by=coordinator,
            rows=[{"participant": person, "attended": True} for person in people],
        )
        fare = money.expense_claim_submit(
            participant=second,
            project=project,
            by=second.user,
            expense="travel",
            amount_pence=480,
            description="Bus there and back",
            work_date=past.starts_at.date(),
        )
        money.claim_approve(claim=fare, by=coordinator)

    def login(self, local, name):
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = account_services.user_create(
                email=email, password=DEMO_PASSWORD, display_name=name, email_verified=True
            )
        return user
