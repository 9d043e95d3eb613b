"""People: who is involved and how (status, new members, roles, self-descriptions)."""

from django.db.models import Case, Count, Max, Q, When

from coprod.reports import periods, suppression
from coprod.reports.figures.grids import Grids
from coprod.reports.figures.rows import members_involved
from coprod.reports.figures.tables import Table, month_label
from coprod.reports.periods import Period
from participants.models import ProjectMembership, ProjectRole
from projects.models import Project


def people_section(project: Project, period: Period, grids: Grids) -> tuple[list[Table], dict]:
    # Who is involved, and how, is about the project's whole life as it stands:
    # the same figures whatever period is chosen, so no two periods can be
    # subtracted to find one person's joining, leaving or role.
    involved = members_involved(ProjectMembership.objects.filter(project=project))
    counts = involved.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        on_break=Count("pk", filter=Q(status="on_break")),
        left=Count("pk", filter=Q(status="left")),
        described=Count("pk", filter=~Q(participant__self_description="")),
        no_payment=Count("pk", filter=Q(participant__payment_choice__method="none")),
    )
    statuses = suppression.people_partition(
        counts["total"],
        [("active", counts["active"]), ("on_break", counts["on_break"]), ("left", counts["left"])],
    )
    status_table = Table(
        "people",
        "Members involved",
        ["Status", "People"],
        [
            ["Active", statuses.parts["active"]],
            ["Taking a break", statuses.parts["on_break"]],
            ["Left", statuses.parts["left"]],
            ["All members involved", statuses.total],
        ],
        chart="bar",
        total=True,
        note="Everyone involved over the project's whole life, as they are today, "
        "whichever period you choose.",
    )

    months = grids.months_of(period)
    joined_table = Table(
        "joined",
        "New members by month",
        ["Month", "People who joined"],
        [[month_label(m), grids.joined.figure(periods.month_key(m))] for m in months]
        + [["All new members", grids.joined.figure(period.key)]],
        chart="bar",
        total=True,
    )

    role_rows = list(
        ProjectRole.memberships.through.objects.filter(projectmembership__in=involved)
        .exclude(projectrole__name__iexact="Member")
        .values("projectrole__name")
        .annotate(
            n=Count("projectmembership", distinct=True),
            powerful=Max(
                Case(
                    When(
                        Q(projectrole__leads_project=True)
                        | Q(projectrole__edits_agendas=True)
                        | Q(projectrole__posts_updates=True),
                        then=1,
                    ),
                    default=0,
                )
            ),
        )
        .order_by("projectrole__name")
    )
    power = involved.filter(
        Q(roles__leads_project=True) | Q(roles__edits_agendas=True) | Q(roles__posts_updates=True)
    ).aggregate(n=Count("pk", distinct=True))["n"]
    power_figure = suppression.people(power)
    # "Any power role" minus one shown power role must not leave 1 to 4 people.
    if any(
        row["powerful"]
        and not suppression.is_small(row["n"])
        and suppression.is_small(power - row["n"])
        for row in role_rows
    ):
        power_figure.hide("subtraction")
    roles_table = Table(
        "roles",
        "Roles members hold",
        ["Role", "People holding it"],
        [[row["projectrole__name"], suppression.people(row["n"])] for row in role_rows]
        + [["Any role that leads, sets agendas or posts updates", power_figure]],
        note="One person can hold more than one role.",
    )

    described = suppression.people_partition(
        counts["total"],
        [("yes", counts["described"]), ("no", counts["total"] - counts["described"])],
    )
    described_table = Table(
        "described",
        "Members who chose to describe themselves",
        ["Members", "People"],
        [
            ["Chose to describe themselves", described.parts["yes"]],
            ["Did not", described.parts["no"]],
        ],
        note="What people wrote is never shown in a report: it is only counted.",
    )
    facts = {"members": statuses.total, "no_payment": suppression.people(counts["no_payment"])}
    return [status_table, joined_table, roles_table, described_table], facts
