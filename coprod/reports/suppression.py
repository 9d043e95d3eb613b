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
from decimal import Decimal

from coprod.smallnumbers import is_small, threshold


@dataclass
class Figure:
    """One number in a report, and how many people stand behind it."""

    value: int | float | Decimal | None
    people: int
    # "people", "money" (pence), "hours", "share" (0..1), "days", "score" (1..5)
    kind: str = "people"
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


# --- Across periods -------------------------------------------------------------


Cell = tuple[str, str]  # (category, period key)


class Grid:
    """One family of figures (money, hours, joiners) for every period and category, together.

    A funder may read any period of the tree in `periods.tree` (the whole
    life, a financial year, a quarter, a month) and any category of it (cash,
    vouchers, expenses and their total), so every one of these cells is a
    figure they can have, and every parent is the sum of its children twice
    over: a period is the sum of its child periods, a total the sum of its
    categories. Protecting one table at a time is not enough: a year minus
    its shown quarters, or a quarter minus its shown months, would give away
    whatever was hidden.

    So, first every cell about 1 to 4 people is hidden; then, for every
    parent and its children, in both directions, the hidden children must
    together cover at least `threshold()` different people; until they do,
    the shown child about the fewest people is hidden too. A hidden parent
    must have hidden children by the same measure (else its shown children
    add up to it). This repeats
    until nothing changes, over every level and every category at once.

    The people behind a cell are the different people whose own amount in it
    is not zero, worked out from `rows`: one row per person, month and
    category total, read in one query by the caller. A parent is never
    hidden by this second step unless it is already about too few people: when
    all its children are hidden they cover exactly its people. So a cell's
    fate depends only on the data, never on the page it is read on, and the
    portfolio's whole-life figure (`is_small` of its people) is the same as
    the root of this grid.
    """

    def __init__(
        self,
        *,
        kind: str,
        tree: dict[str, list[str]],
        rows: Iterable[tuple[str, object, dict[str, int]]],
        parts: list[str] = (),  # type: ignore[assignment]
        display: Callable[[int], int | float | Decimal] = lambda value: value,
    ) -> None:
        self.kind, self.tree, self.parts = kind, tree, list(parts)
        self.categories = ["total", *self.parts]
        parent_of = {child: parent for parent, kids in tree.items() for child in kids}
        # Per cell, each person's own amount in it.
        amounts: dict[Cell, dict[object, int]] = {}
        for leaf, person, values in rows:
            values = {"total": sum(values.values()) if self.parts else values["total"]} | values
            node: str | None = leaf
            while node is not None:
                for category in self.categories:
                    if values.get(category):
                        by_person = amounts.setdefault((category, node), {})
                        by_person[person] = by_person.get(person, 0) + values[category]
                node = parent_of.get(node)
        self.people: dict[Cell, frozenset] = {}
        self.figures: dict[Cell, Figure] = {}
        for category in self.categories:
            for node in tree:
                by_person = amounts.get((category, node), {})
                self.people[(category, node)] = frozenset(p for p, v in by_person.items() if v)
                figure = Figure(
                    display(sum(by_person.values())),
                    len(self.people[(category, node)]),
                    kind=kind,
                )
                if is_small(figure.people):
                    figure.hide()
                self.figures[(category, node)] = figure
        self.protect()

    def groups(self) -> list[tuple[Cell, list[Cell]]]:
        """Every parent with the children it is the sum of."""
        groups = []
        for category in self.categories:
            for node, kids in self.tree.items():
                if kids:
                    groups.append(((category, node), [(category, kid) for kid in kids]))
        if self.parts:
            for node in self.tree:
                groups.append((("total", node), [(part, node) for part in self.parts]))
        return groups

    def protect(self) -> None:
        groups = self.groups()
        changed = True
        while changed:
            changed = False
            for parent, children in groups:
                changed |= self._protect_group(parent, children)

    def _protect_group(self, parent: Cell, children: list[Cell]) -> bool:
        figures, changed = self.figures, False
        hidden = [c for c in children if figures[c].hidden]

        def too_few() -> bool:
            # A hidden parent whose children are all shown is their sum: so a
            # hidden parent needs hidden children too, like any shown one.
            if not hidden:
                return figures[parent].hidden
            return len(frozenset().union(*(self.people[c] for c in hidden))) < threshold()

        while too_few():
            shown = sorted(
                (c for c in children if not figures[c].hidden and figures[c].people),
                key=lambda c: (figures[c].people, str(figures[c].value), c),
            )
            if not shown:
                # Every child is hidden and they still cover too few: so does the parent.
                if not figures[parent].hidden:
                    figures[parent].hide("subtraction")
                    changed = True
                break
            figures[shown[0]].hide("subtraction")
            hidden.append(shown[0])
            changed = True
        return changed

    def figure(self, node: str, category: str = "total") -> Figure:
        """The protected figure of one period and category (a period with no data is a zero)."""
        return self.figures.get((category, node)) or Figure(0, 0, kind=self.kind)
