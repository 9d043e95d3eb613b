"""Small numbers kept out of reports, including numbers found by subtraction.

A figure about fewer than `threshold()` people is never shown: a count of
one to four people shows as "fewer than 5", and an amount of money or time
that belongs to one to four people is hidden too. A zero is shown: it points
at nobody, and hiding it would hide the totals beside it for no gain.

Hiding one cell is not enough when the table also shows the total: the
hidden cell is the total minus the cells shown. So in a table whose parts add
up to a shown total, the hidden parts together must cover at least
`threshold()` people; until they do, the next smallest part is hidden as well
("secondary suppression"). When every part is hidden and they still cover
fewer, the total is hidden too.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings


def threshold() -> int:
    return settings.COPROD_REPORT_MIN_PEOPLE


def is_small(count: int) -> bool:
    """One to four people (with the default threshold): enough to point at someone."""
    return 0 < count < threshold()


@dataclass
class Figure:
    """One number in a report, and how many people stand behind it."""

    value: object
    people: int
    kind: str = "people"  # "people", "money" (pence), "hours", "share" (0..1), "days"
    hidden: bool = False
    reason: str = ""

    def hide(self, reason: str = "small") -> None:
        self.hidden, self.reason = True, reason

    @property
    def shown(self):
        """The value, or None when hidden."""
        return None if self.hidden else self.value


def people(count: int) -> Figure:
    """A count of people: it is its own number of people."""
    figure = Figure(count, count)
    if is_small(count):
        figure.hide()
    return figure


def about(value, *, people: int, kind: str) -> Figure:
    """A figure (money, hours, a share) about this many people."""
    figure = Figure(value, people, kind=kind)
    if is_small(people):
        figure.hide()
    return figure


@dataclass
class Partition:
    """Parts that add up to a total, protected against subtraction.

    `people_in(keys)` answers how many different people the named parts
    cover together. For parts nobody can be in twice (a member's status,
    the month they joined) that is the sum; for others (cash and vouchers)
    the caller counts it in the database.
    """

    total: Figure
    parts: dict[str, Figure]
    people_in: Callable[[frozenset[str]], int] | None = None
    notes: list[str] = field(default_factory=list)

    def protect(self) -> "Partition":
        if is_small(self.total.people):
            self.total.hide()
            for figure in self.parts.values():
                figure.hide()
            return self
        count = self.people_in or (lambda keys: sum(self.parts[k].people for k in keys))
        for hidden in hiding_order(self.parts):
            if not hidden or not is_small(count(hidden)):
                break
        else:
            # Everything that could be hidden is, and it still covers too few.
            self.total.hide("subtraction")
        for key, figure in self.parts.items():
            if key in hidden and not figure.hidden:
                figure.hide("small" if is_small(figure.people) else "subtraction")
        return self


def hiding_order(parts: dict[str, Figure]) -> list[frozenset[str]]:
    """The sets of parts that may be hidden, in the order secondary suppression tries them.

    First the parts about one to four people; then each time one more: the
    shown part about the fewest people (a zero never helps, so never counts).
    A caller that counts people in the database asks for exactly these sets.
    """
    hidden = {k for k, f in parts.items() if f.hidden or is_small(f.people)}
    order = [frozenset(hidden)]
    rest = sorted(
        (k for k, f in parts.items() if k not in hidden and f.people > 0),
        key=lambda k: (parts[k].people, str(parts[k].value), k),
    )
    for key in rest:
        hidden.add(key)
        order.append(frozenset(hidden))
    return order


def people_partition(total: int, parts: Iterable[tuple[str, int]]) -> Partition:
    """Counts of people in groups nobody is in twice, adding up to `total`."""
    return Partition(
        total=Figure(total, total), parts={key: Figure(n, n) for key, n in parts}
    ).protect()
