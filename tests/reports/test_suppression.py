"""Small numbers stay hidden, and so do the figures that would give them away by subtraction."""

import datetime

import pytest

from coprod.reports.suppression import Figure, Partition, is_small, people, people_partition
from coprod.reports.templatetags.report_figures import figure_text


def test_one_to_four_people_read_fewer_than_5_and_five_is_shown():
    assert [figure_text(people(n)) for n in (1, 2, 3, 4)] == ["fewer than 5"] * 4
    assert figure_text(people(5)) == "5"


def test_nobody_is_shown_as_a_zero():
    assert figure_text(people(0)) == "0"


def test_one_small_group_beside_a_total_hides_the_next_smallest_group_too():
    # 12 members: 9 active, 2 on a break, 1 who left. Hiding the two small
    # groups is not enough: 12 - 9 would say 3 people are away or gone.
    split = people_partition(12, [("active", 9), ("on_break", 2), ("left", 1)])

    texts = {key: figure_text(figure) for key, figure in split.parts.items()}
    assert texts["on_break"] == "fewer than 5"
    assert texts["left"] == "fewer than 5"
    assert split.parts["active"].hidden
    assert texts["active"] == "not shown: it would give away a small number"
    assert figure_text(split.total) == "12"


def test_small_groups_that_add_up_to_five_or_more_can_stand_beside_the_total():
    split = people_partition(30, [("active", 22), ("on_break", 4), ("left", 4)])

    assert figure_text(split.parts["active"]) == "22"
    assert split.parts["on_break"].hidden
    assert split.parts["left"].hidden
    assert figure_text(split.total) == "30"


def test_a_single_small_group_is_never_the_total_minus_the_rest():
    split = people_partition(20, [("active", 17), ("on_break", 3), ("left", 0)])

    shown = [f.value for f in split.parts.values() if not f.hidden]
    # Whatever is shown, the total minus it is never 1 to 4 people.
    assert not 0 < split.total.value - sum(shown) < 5


def test_a_total_about_fewer_than_5_people_hides_everything():
    split = people_partition(4, [("active", 3), ("left", 1)])

    assert split.total.hidden
    assert all(f.hidden for f in split.parts.values())


def test_money_for_groups_people_share_is_checked_by_the_people_behind_them():
    # Cash for 6 people, vouchers for 2 and expenses for 3; the voucher and
    # expenses people are the same 3, so hiding those two covers 3 people,
    # and the total minus cash would give their money away.
    behind = {
        frozenset({"vouchers"}): 2,
        frozenset({"expenses"}): 3,
        frozenset({"vouchers", "expenses"}): 3,
        frozenset({"cash"}): 6,
        frozenset({"cash", "vouchers", "expenses"}): 9,
    }
    split = Partition(
        total=Figure(50_000, 9, kind="money"),
        parts={
            "cash": Figure(40_000, 6, kind="money"),
            "vouchers": Figure(4_000, 2, kind="money"),
            "expenses": Figure(6_000, 3, kind="money"),
        },
        people_in=behind.__getitem__,
    ).protect()

    assert all(f.hidden for f in split.parts.values())
    assert figure_text(split.total) == "£500.00"
    assert figure_text(split.parts["vouchers"]) == "not shown: fewer than 5 people"


def test_money_for_fewer_than_5_people_is_not_shown():
    split = Partition(
        total=Figure(9_000, 3, kind="money"), parts={"cash": Figure(9_000, 3, kind="money")}
    ).protect()

    assert figure_text(split.total) == "not shown: fewer than 5 people"


def test_any_power_role_is_hidden_when_one_role_would_give_away_the_rest(world):
    from coprod.reports.figures.report import project_report
    from tests.factories import ProjectMembershipFactory

    # Six co-leads and one chair: "any power role: 7" beside "Co-lead: 6"
    # would say one person chairs without being a co-lead.
    ProjectMembershipFactory.create_batch(5, project=world.project, roles=["Co-lead"])
    ProjectMembershipFactory(project=world.project, roles=["Chair"])

    rows = {row[0]: row[1] for row in project_report(world.project).table("roles").rows}

    assert figure_text(rows["Co-lead"]) == "6"
    assert figure_text(rows["Chair"]) == "fewer than 5"
    assert rows["Any role that leads, sets agendas or posts updates"].hidden


def grid_of(rows, parts=()):
    """A grid over one financial year from (month key, person, values) rows."""
    from coprod.reports import periods
    from coprod.reports.suppression import Grid

    months = [datetime.date(2025, m, 1) for m in range(4, 13)]
    months += [datetime.date(2026, m, 1) for m in range(1, 4)]
    return Grid(kind="money", tree=periods.tree(months), rows=rows, parts=parts)


def test_a_month_beside_its_quarter_hides_the_next_smallest_month():
    # Six people paid in November, one in December: October to December
    # minus November would be that one person's money.
    rows = [("2025-11", n, {"total": 1_000}) for n in range(6)] + [("2025-12", 6, {"total": 777})]

    grid = grid_of(rows)

    assert grid.figure("2025-12").hidden
    assert grid.figure("2025-11").hidden
    assert grid.figure("2025-11").reason == "subtraction"
    assert grid.figure("fy2025-26-q3").value == 6_777
    assert not grid.figure("fy2025-26-q3").hidden


def test_a_parent_hidden_to_protect_a_sibling_does_not_show_all_its_children():
    # October to December: six people, all in November. January to March:
    # one person. The quarter October to December is hidden so that the year
    # minus it is not that one person; November alone would say the same.
    rows = [("2025-11", n, {"total": 1_000}) for n in range(6)] + [("2026-02", 6, {"total": 500})]

    grid = grid_of(rows)

    assert grid.figure("fy2025-26-q3").hidden
    assert grid.figure("2025-11").hidden
    assert not grid.figure("fy2025-26").hidden
    assert not grid.figure("life").hidden


def test_a_month_part_hidden_hides_another_part_and_the_same_part_in_another_month():
    # Vouchers for one person in November: cash for November, and vouchers
    # in another month of the quarter, would each give it away.
    rows = [("2025-11", n, {"cash": 1_000, "vouchers": 0}) for n in range(6)]
    rows += [("2025-10", n, {"cash": 0, "vouchers": 400}) for n in range(10, 16)]
    rows += [("2025-11", 20, {"cash": 0, "vouchers": 300})]

    grid = grid_of(rows, parts=["cash", "vouchers"])

    assert grid.figure("2025-11", "vouchers").hidden
    assert grid.figure("2025-11", "cash").hidden  # November's total minus its cash
    assert grid.figure("2025-10", "vouchers").hidden  # the quarter's vouchers minus October's
    assert not grid.figure("2025-11").hidden
    assert not grid.figure("fy2025-26-q3", "vouchers").hidden
    assert not grid.figure("life").hidden


def in_span(basis: dict[int, list], vector: list) -> bool:
    """Whether vector is a sum of multiples of the (row-reduced) basis rows."""
    vector = list(vector)
    for pivot, row in basis.items():
        if vector[pivot]:
            factor = vector[pivot]
            vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
    return not any(vector)


def add_to_basis(basis: dict[int, list], vector: list) -> None:
    from fractions import Fraction

    vector = [Fraction(v) for v in vector]
    for pivot, row in basis.items():
        if vector[pivot]:
            factor = vector[pivot]
            vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
    pivot = next((i for i, v in enumerate(vector) if v), None)
    if pivot is None:
        return
    vector = [v / vector[pivot] for v in vector]
    for other, row in basis.items():
        if row[pivot]:
            factor = row[pivot]
            basis[other] = [r - factor * v for r, v in zip(row, vector, strict=True)]
    basis[pivot] = vector


@pytest.mark.parametrize("seed", [None, *range(12)])
def test_no_hidden_small_figure_can_be_worked_out_from_every_figure_shown(seed):
    # Every cell of a grid (each period, each part and the total) as a sum of
    # month-and-part cells; all shown cells together, added and subtracted in
    # any way, must not give the exact figure of any cell about 1 to 4 people.
    import random

    from coprod.reports import periods

    rng = random.Random(seed)
    parts = ["cash", "vouchers", "expenses"]
    months = [datetime.date(2025, m, 1) for m in range(4, 13)]
    months += [datetime.date(2026, m, 1) for m in range(1, 4)]
    keys = [periods.month_key(m) for m in months]
    rows = []
    for person in range(rng.choice([8, 12, 20, 40])):
        for key in rng.sample(keys, rng.choice([1, 1, 2, 3])):
            part = rng.choice(parts)
            rows.append((key, person, {p: (100 + person if p == part else 0) for p in parts}))
    if seed is None:  # six people in November, one in February (all cash)
        rows = [("2025-11", n, {"cash": 1_000}) for n in range(6)]
        rows += [("2026-02", 6, {"cash": 500})]
    grid = grid_of(rows, parts=parts)

    leaves = [(part, key) for part in parts for key in keys]
    below = {}
    for node, kids in grid.tree.items():
        below[node] = {node} if not kids else set()
    for node in reversed(list(grid.tree)):  # children come after their parents
        for kid in grid.tree[node]:
            below[node] |= below[kid]

    def vector(category, node):
        chosen = parts if category == "total" else [category]
        months_below = {k for k in below[node] if not grid.tree[k]}
        return [1 if (p in chosen and k in months_below) else 0 for p, k in leaves]

    basis: dict[int, list] = {}
    for (category, node), figure in grid.figures.items():
        if not figure.hidden:
            add_to_basis(basis, vector(category, node))
    hidden = [cell for cell, figure in grid.figures.items() if figure.hidden]
    for cell in hidden:
        if is_small(grid.figures[cell].people):
            assert not in_span(basis, vector(*cell)), (seed, cell)
    # Nor the sum of two hidden figures about 1 to 4 people together.
    for n, one in enumerate(hidden):
        for other in hidden[n + 1 :]:
            if is_small(len(grid.people[one] | grid.people[other])):
                both = [a + b for a, b in zip(vector(*one), vector(*other), strict=True)]
                assert not in_span(basis, both), (seed, one, other)
