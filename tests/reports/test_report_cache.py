"""A kept report is never older than the rows it describes.

The project's report is kept in the cache under a stamp of the rows behind
it (coprod/reports/figures/cached.py). Each test here changes those rows the
way Coprod does (a save, a queryset update, a role given, a reversal, the
clock passing a meeting's end) and checks that the stamp moved and that the
report a funder now gets reads exactly like one worked out from scratch.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coprod.demo.scale import grow
from coprod.reports.figures.cached import project_report_kept, report_stamp
from coprod.reports.figures.grids import project_life
from coprod.reports.figures.report import project_report
from coprod.reports.templatetags.report_figures import figure_text
from participants.models import ProjectMembership, ProjectRole
from payments.models import Claim, LedgerEntry
from payments.services import ledger_reverse
from projects.models import Attendance, Meeting, Project
from tests.factories import FunderGrantFactory, ProjectMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(world):
    grown = grow(organisation=world.org, members=30, projects=1, months=5, seed=7)
    return Project.objects.select_related("organisation").get(pk=grown.projects[0].pk)


def shown(report):
    """Every figure of the report as a reader sees it."""
    return [(label, figure_text(figure)) for label, figure in report.headline] + [
        (table.key, [[figure_text(cell) for cell in row] for row in table.rows])
        for _, _, tables in report.sections
        for table in tables
    ]


def fresh(project):
    return Project.objects.select_related("organisation").get(pk=project.pk)


def kept(project, now):
    project = fresh(project)
    return project_report_kept(project, period=project_life(project), now=now)


def worked_out(project, now):
    project = fresh(project)
    return project_report(project, period=project_life(project), now=now)


def a_member_joins(world, project):
    ProjectMembershipFactory(project=project)


def members_leave_by_update(world, project):
    # As erasure does: a queryset update, not a save.
    ids = list(
        ProjectMembership.objects.filter(project=project, status="active").values_list(
            "pk", flat=True
        )[:6]
    )
    ProjectMembership.objects.filter(pk__in=ids).update(status=ProjectMembership.Status.LEFT)


def a_role_is_given(world, project):
    role = ProjectRole.objects.filter(organisation=project.organisation).exclude(name="Member")[0]
    for membership in ProjectMembership.objects.filter(project=project)[:6]:
        membership.roles.add(role)


def attendance_is_corrected(world, project):
    for row in Attendance.objects.filter(meeting__project=project)[:6]:
        row.minutes += 45
        row.save()


def attendance_is_removed(world, project):
    unpaid = Attendance.objects.filter(meeting__project=project).exclude(
        pk__in=Claim.objects.exclude(attendance=None).values("attendance")
    )
    unpaid.filter(pk__in=unpaid.values("pk")[:1]).delete()


def a_payment_is_reversed(world, project):
    entry = LedgerEntry.objects.filter(
        project=project, kind=LedgerEntry.Kind.PAID, reversed_by__isnull=True
    ).first()
    ledger_reverse(entry=entry, by=world.users["finance"], reason="Paid to the wrong person")


def a_meeting_is_called_off(world, project):
    meeting = Meeting.objects.filter(project=project, status="scheduled").first()
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()


def members_change_their_papers_notice(world, project):
    for membership in ProjectMembership.objects.filter(project=project).select_related(
        "participant"
    )[:6]:
        membership.participant.papers_days_ahead = 9
        membership.participant.save()


@pytest.mark.parametrize(
    "change",
    [
        a_member_joins,
        members_leave_by_update,
        a_role_is_given,
        attendance_is_corrected,
        attendance_is_removed,
        a_payment_is_reversed,
        a_meeting_is_called_off,
        members_change_their_papers_notice,
    ],
)
def test_after_a_change_the_report_is_worked_out_again(world, project, change):
    now = timezone.now()
    before = report_stamp(fresh(project), now)
    kept(project, now)  # kept in the cache

    change(world, project)

    assert report_stamp(fresh(project), now) != before
    assert shown(kept(project, now)) == shown(worked_out(project, now))


def test_a_meeting_that_ends_counts_from_that_moment(world, project):
    now = timezone.now()
    member = ProjectMembership.objects.filter(project=project, status="active").first()
    meeting = Meeting.objects.create(
        project=project,
        title="Today's meeting",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=1),
    )
    Attendance.objects.create(meeting=meeting, participant=member.participant, minutes=120)
    during = kept(project, now)

    later = now + datetime.timedelta(hours=2)
    after = kept(project, later)

    assert shown(after) == shown(worked_out(project, later))
    assert shown(after) != shown(during)


def test_an_unchanged_report_is_read_from_the_cache(world, project, client):
    funder = world.users["funder"]
    FunderGrantFactory(project=project, user=funder)
    client.force_login(funder)
    url = reverse("reports:project", kwargs={"pk": project.pk})

    counts, pages = [], []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
        html = response.content.decode()
        pages.append(html[html.index("<h1>") : html.index("</main>")])

    # The second reading: the session and user, the project, the grant the
    # rule checks, the stamp, the reading logged against the grant, the
    # milestones and the stories released to funders (both read fresh, never
    # kept). None of the report's own twenty queries.
    assert counts[1] == 9
    assert counts[0] > counts[1] + 10
    assert pages[0] == pages[1]


def test_the_cache_can_be_turned_off(world, project, settings):
    settings.COPROD_REPORT_CACHE_SECONDS = 0
    now = timezone.now()
    kept(project, now)

    with CaptureQueriesContext(connection) as captured:
        kept(project, now)

    assert len(captured) > 10
