"""Running totals the portfolio reads instead of the rows: time worked and money that stands.

Money is kept by payments beside its append-only ledger (payments.totals).
Time worked is kept here: when a meeting's attendance is recorded, the
project's totals are counted again from its attendance, under a lock on the
project, in the transaction that recorded it. Meetings that have started
cannot be moved or cancelled, and attendance is only recorded once a meeting
has started, so a total changes only then. A meeting still going on is
counted here but not yet by reports: the portfolio takes it off (see
figures/portfolio.py).

`totals_recompute()` (and `manage.py report_totals`) rebuild both from the rows.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Sum

from coprod.reports.models import WorkedTotal
from payments.totals import paid_totals_from_ledger, paid_totals_recompute, paid_totals_stored
from projects.models import Attendance, Meeting, Project


def worked_totals_from_attendance(
    project_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int], int]:
    """(project id, participant id) -> minutes worked, counted from attendance itself."""
    rows = Attendance.objects.filter(meeting__status=Meeting.Status.SCHEDULED)
    if project_ids is not None:
        rows = rows.filter(meeting__project_id__in=list(project_ids))
    grouped = (
        rows.order_by()
        .values("meeting__project_id", "participant_id")
        .annotate(minutes=Sum(F("minutes") + F("preparation_minutes")))
    )
    return {
        (row["meeting__project_id"], row["participant_id"]): row["minutes"]
        for row in grouped
        if row["minutes"]
    }


def worked_totals_stored(project_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    rows = WorkedTotal.objects.exclude(minutes=0)
    if project_ids is not None:
        rows = rows.filter(project_id__in=list(project_ids))
    return {
        (project_id, participant_id): minutes
        for project_id, participant_id, minutes in rows.values_list(
            "project_id", "participant_id", "minutes"
        )
    }


def _worked_totals_write(project_ids: list[int] | None) -> int:
    stored = (
        WorkedTotal.objects.all()
        if project_ids is None
        else WorkedTotal.objects.filter(project_id__in=project_ids)
    )
    stored.delete()
    totals = worked_totals_from_attendance(project_ids)
    WorkedTotal.objects.bulk_create(
        (
            WorkedTotal(project_id=project_id, participant_id=participant_id, minutes=minutes)
            for (project_id, participant_id), minutes in totals.items()
        ),
        batch_size=2000,
    )
    return len(totals)


def worked_totals_follow(meeting: Meeting, by=None) -> None:
    """Attendance at this meeting was recorded: count its project's time worked again.

    Runs inside attendance_record's transaction (ATTENDANCE_RECORDED_LISTENERS).
    The project's row is locked first, so a second recording on the same
    project waits, then counts rows the first has committed.
    """
    Project.objects.select_for_update().filter(pk=meeting.project_id).values_list("pk").first()
    _worked_totals_write([meeting.project_id])


@transaction.atomic
def totals_recompute(project_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Rebuild every stored total (all projects, or these) from the rows; return rows written."""
    ids = None if project_ids is None else list(project_ids)
    locked = Project.objects.select_for_update().order_by("pk")
    list((locked if ids is None else locked.filter(pk__in=ids)).values_list("pk", flat=True))
    return {"worked": _worked_totals_write(ids), "paid": paid_totals_recompute(ids)}


def totals_differences(project_ids: Iterable[int] | None = None) -> list[str]:
    """Where the stored totals differ from the rows, in words; empty when they agree."""
    ids = None if project_ids is None else list(project_ids)
    problems = []
    for name, stored, counted in (
        ("time worked", worked_totals_stored(ids), worked_totals_from_attendance(ids)),
        ("money that stands", paid_totals_stored(ids), paid_totals_from_ledger(ids)),
    ):
        for key in sorted(set(stored) | set(counted)):
            if stored.get(key, 0) != counted.get(key, 0):
                problems.append(
                    f"{name}, project {key[0]}, person {key[1]}: stored {stored.get(key, 0)}, "
                    f"counted {counted.get(key, 0)}"
                )
    return problems
