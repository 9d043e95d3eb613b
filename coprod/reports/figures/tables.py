"""What a report is made of: tables of figures, grouped in sections."""

import datetime
from dataclasses import dataclass, field

from coprod.reports.periods import Period
from coprod.reports.suppression import Figure
from projects.models import LadderAssessment, Project


@dataclass
class Table:
    """One table of a report: shown on the page, drawn as a chart, exported as CSV."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""  # "" for no chart, else "bar"
    note: str = ""
    total: bool = False  # the last row adds up the others (left out of the chart)

    def chart_rows(self):
        """(label, figure, size 0 to 100) for the chart: hidden figures draw no bar."""
        rows = self.rows[:-1] if self.total else self.rows
        figures = [(row[0], row[1]) for row in rows if isinstance(row[1], Figure)]
        values = [f.value for _, f in figures if not f.hidden and f.value]
        top = max(values, default=0) or 1
        return [
            (label, f, 0 if f.hidden or not f.value else round(100 * f.value / top))
            for label, f in figures
        ]


@dataclass
class Report:
    project: Project
    period: Period
    produced_at: datetime.datetime
    headline: list[tuple[str, Figure]]
    sections: list[tuple[str, str, list[Table]]]  # (key, heading, tables)
    organisation_views: list[LadderAssessment]

    def table(self, key: str) -> Table | None:
        for _, _, tables in self.sections:
            for table in tables:
                if table.key == key:
                    return table
        return None


def month_label(day: datetime.date) -> str:
    return day.strftime("%b %Y")
