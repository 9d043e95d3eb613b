"""A project's report, worked out once and kept until the rows behind it change.

A report reads about twenty queries and thousands of rows, then protects every
period at once: far too much to repeat for each funder who opens the page.
So the report is kept in the cache under a *stamp* of everything it reads:
for each table behind it, how many of the project's rows there are and when
the newest of them last changed (every one of these models keeps
`updated_at`), plus how many of its meetings have ended by now and today's
date in the organisation's zone (the figures that depend on the clock). A new,
changed or removed row changes the stamp, so the next reader works the
report out again; nobody is shown figures older than the rows they describe.

The stamp is one query of counts and maxima on indexed columns. A change
that writes without moving `updated_at` (a queryset `update()`) is not seen
by it; COPROD_REPORT_CACHE_SECONDS bounds how long such a report can be
kept (default five minutes; 0 turns the cache off). Every report says when
it was produced.

Only protected figures are kept: the report holds no personal detail.
"""

import datetime
import hashlib
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from coprod.reports.figures.report import project_report
from coprod.reports.figures.tables import Report
from coprod.reports.periods import Period
from participants.models import Participant, ProjectMembership, ProjectRole
from payments.models import Claim, LedgerEntry
from projects.models import (
    Attendance,
    Contribution,
    ContributionEvent,
    Invitee,
    LadderAssessment,
    Meeting,
    Project,
    Pulse,
    Review,
    Value,
    ValueVersion,
)


def timeout() -> int:
    return settings.COPROD_REPORT_CACHE_SECONDS


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    field = model._meta.get_field(name)
    return connection.ops.quote_name(field.column)


@once
def _stamp_query() -> tuple[str, tuple[str, ...]]:
    """The stamp's query, built once from the models' own table and column names.

    Returns the SQL and, for each of its parameters in order, what it is:
    "project" (the project's id), "organisation" (its organisation's id) or
    "now".
    """
    q = connection.ops.quote_name
    membership, meeting = _table(ProjectMembership), _table(Meeting)
    roles: type[Model] = ProjectMembership.roles.through
    parts: list[tuple[str, tuple[str, ...]]] = []

    def count_and_newest(source: str, newest: str, params: tuple[str, ...]) -> None:
        # One scan for both: "how many/newest change", as text.
        parts.append(
            (
                f"(SELECT CAST(COUNT(*) AS TEXT) || '/' || "
                f"COALESCE(CAST(MAX({newest}) AS TEXT), '') {source})",
                params,
            )
        )

    # The ledger is only ever added to (never changed or deleted): its count is enough.
    parts.append(
        (
            f"(SELECT COUNT(*) FROM {_table(LedgerEntry)} "
            f"WHERE {_column(LedgerEntry, 'project')} = %s)",
            ("project",),
        )
    )
    # Pulses after meetings are only ever added: their count is enough.
    parts.append(
        (
            f"(SELECT COUNT(*) FROM {_table(Pulse)} c JOIN {meeting} p "
            f"ON c.{_column(Pulse, 'meeting')} = p.{q('id')} "
            f"WHERE p.{_column(Meeting, 'project')} = %s)",
            ("project",),
        )
    )
    # A review's updated_at moves with every answer given or changed.
    for model in (ProjectMembership, Meeting, Claim, Contribution, LadderAssessment, Review):
        source = f"FROM {_table(model)} WHERE {_column(model, 'project')} = %s"
        count_and_newest(source, q("updated_at"), ("project",))
    count_and_newest(
        f"FROM {_table(Value)} WHERE {_column(Value, 'project')} = %s",
        q("updated_at"),
        ("project",),
    )
    # Rows that belong to the project through one of its rows.
    child: type[Model]
    for child, parent_field, parent in (
        (Invitee, "meeting", Meeting),
        (Attendance, "meeting", Meeting),
        (ContributionEvent, "contribution", Contribution),
        (ValueVersion, "value", Value),
    ):
        source = (
            f"FROM {_table(child)} c JOIN {_table(parent)} p "
            f"ON c.{_column(child, parent_field)} = p.{q('id')} "
            f"WHERE p.{_column(parent, 'project')} = %s"
        )
        count_and_newest(source, f"c.{q('updated_at')}", ("project",))
    # Roles held: a role given or taken away changes no membership's updated_at.
    count_and_newest(
        f"FROM {_table(roles)} r JOIN {membership} m "
        f"ON r.{_column(roles, 'projectmembership')} = m.{q('id')} "
        f"WHERE m.{_column(ProjectMembership, 'project')} = %s",
        f"r.{q('id')}",
        ("project",),
    )
    # Members' own choices a figure reads (papers ahead of meetings), and role names.
    parts.append(
        (
            f"(SELECT MAX(x.{q('updated_at')}) FROM {_table(Participant)} x JOIN {membership} m "
            f"ON m.{_column(ProjectMembership, 'participant')} = x.{q('id')} "
            f"WHERE m.{_column(ProjectMembership, 'project')} = %s)",
            ("project",),
        )
    )
    parts.append(
        (
            f"(SELECT MAX({q('updated_at')}) FROM {_table(ProjectRole)} "
            f"WHERE {_column(ProjectRole, 'organisation')} = %s)",
            ("organisation",),
        )
    )
    # The figures that move with the clock: meetings held by now.
    parts.append(
        (
            f"(SELECT COUNT(*) FROM {meeting} WHERE {_column(Meeting, 'project')} = %s "
            f"AND {_column(Meeting, 'ends_at')} <= %s)",
            ("project", "now"),
        )
    )
    sql = "SELECT " + ", ".join(part for part, _ in parts)
    return sql, tuple(kind for _, kinds in parts for kind in kinds)


def report_stamp(project: Project, now: datetime.datetime) -> str:
    """A short name for the state of everything the project's report reads, as of `now`."""
    sql, kinds = _stamp_query()
    values = {
        "project": project.pk,
        "organisation": project.organisation_id,
        "now": connection.ops.adapt_datetimefield_value(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[kind] for kind in kinds])
        counts = cursor.fetchone()
    today = timezone.localdate(now, timezone=project.organisation.zone)
    seen = (
        counts,
        project.updated_at,
        project.organisation.updated_at,
        today,
        settings.COPROD_REPORT_MIN_PEOPLE,
    )
    return hashlib.blake2b(repr(seen).encode(), digest_size=12).hexdigest()


def project_report_kept(
    project: Project,
    *,
    period: Period,
    now: datetime.datetime | None = None,
    stamp: str | None = None,
) -> Report:
    """The project's report for the period: from the cache while its rows are unchanged."""
    now = now or timezone.now()
    if not timeout():
        return project_report(project, period=period, now=now)
    stamp = stamp or report_stamp(project, now)
    key = f"project-report:{project.pk}:{period.key}:{stamp}"
    report = cache.get(key)
    if report is None:
        report = project_report(project, period=period, now=now)
        cache.set(key, report, timeout())
    return report
