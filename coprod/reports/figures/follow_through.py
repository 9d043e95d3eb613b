"""Follow-through: what members said, the answers, and promised updates kept."""

from django.db.models import Count

from coprod.reports.figures.grids import within
from coprod.reports.figures.tables import Table
from coprod.reports.periods import Period
from coprod.reports.suppression import Figure
from projects.models import Contribution, Project
from projects.promises.selectors import with_promise_state

RESPONSES = [
    ("waiting", "Not answered yet"),
    ("accepted", "Accepted"),
    ("in_progress", "In progress"),
    ("not_possible", "Not possible"),
    ("done", "Done"),
]
PROMISES = [
    ("kept", "Delivered on time"),
    ("kept late", "Delivered late"),
    ("overdue", "Overdue now"),
    ("due", "Not due yet"),
]


def follow_through_section(project: Project, period: Period, today) -> tuple[list[Table], dict]:
    contributions = with_promise_state(
        Contribution.objects.filter(within(period, "created_at"), project=project),
        today=today,
    )
    # Grouped by (answer, promise): at most 4 x 5 groups, each state worked out once per row.
    groups = contributions.order_by().values("response", "promise").annotate(n=Count("pk"))
    counts = {"total": 0} | {f"r_{key}": 0 for key, _ in RESPONSES}
    counts |= {f"p_{key}": 0 for key, _ in PROMISES}
    for group in groups:
        counts["total"] += group["n"]
        counts[f"r_{group['response']}"] += group["n"]
        if group["promise"]:
            counts[f"p_{group['promise']}"] += group["n"]
    count = lambda n: Figure(n, 0, kind="count")  # noqa: E731 - not about people
    responses = Table(
        "responses",
        "What members said, and the answers",
        ["Answer", "Contributions"],
        [[label, count(counts[f"r_{key}"])] for key, label in RESPONSES]
        + [["All contributions recorded", count(counts["total"])]],
        chart="bar",
        total=True,
    )
    promises = Table(
        "promises",
        "Promised updates",
        ["Update", "Contributions"],
        [[label, count(counts[f"p_{key}"])] for key, label in PROMISES],
        chart="bar",
        note="When the organisation answers, it promises a date to report back by.",
    )
    due = counts["p_kept"] + counts["p_kept late"] + counts["p_overdue"]
    facts = {
        "contributions": count(counts["total"]),
        "promises_kept": Figure(counts["p_kept"] / due if due else None, 0, kind="share"),
    }
    return [responses, promises], facts
