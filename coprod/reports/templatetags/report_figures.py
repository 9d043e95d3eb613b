"""How a report figure reads, on the page and in CSV: one wording for both."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import date_format

from coprod.reports.suppression import Figure, threshold
from payments.money import pounds

register = template.Library()


def _hidden_text(figure: Figure) -> str:
    if figure.reason == "small" and figure.kind == "people":
        return f"fewer than {threshold()}"
    if figure.reason == "small":
        return f"not shown: fewer than {threshold()} people"
    return "not shown: it would give away a small number"


@register.filter
def figure_text(cell, csv: bool = False) -> str:
    """The words for one cell of a report table (csv=True: plain numbers, ISO dates)."""
    if isinstance(cell, datetime.date):
        return cell.isoformat() if csv else date_format(cell, "j F Y")
    if not isinstance(cell, Figure):
        return "" if cell is None else str(cell)
    if cell.hidden:
        return _hidden_text(cell)
    value = cell.value
    if value is None:
        return "nothing to count yet"
    if cell.kind == "money":
        return f"{Decimal(value) / 100:.2f}" if csv else pounds(int(value))
    if cell.kind == "share":
        percent = (Decimal(str(value)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return f"{percent}%"
    if cell.kind == "days":
        days = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP).normalize()
        return f"{days:f}" if csv else f"{days:f} day{'' if days == 1 else 's'}"
    if cell.kind == "hours":
        return f"{value}"
    if cell.kind == "score":
        score = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{score}" if csv else f"{score} out of 5"
    return f"{value:,}" if not csv else str(value)


@register.filter
def is_figure(cell) -> bool:
    return isinstance(cell, Figure)
