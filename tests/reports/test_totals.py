"""The stored totals the portfolio reads (time worked, money that stands) always equal the rows."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from coprod.reports.figures.portfolio import portfolio
from coprod.reports.models import WorkedTotal
from coprod.reports.totals import (
    totals_differences,
    totals_recompute,
    worked_totals_from_attendance,
)
from payments import services as money
from payments.models import LedgerEntry, PaidTotal
from payments.totals import paid_totals_from_ledger
from projects.meetings import services as meetings
from projects.models import Project
from tests.factories import ProjectMembershipFactory
from tests.payments.test_money import with_bank_details

pytestmark = pytest.mark.django_db


def pay(world, claims):
    return money.claims_mark_paid(
        claim_ids=[claim.pk for claim in claims],
        by=world.users["finance"],
        organisation_ids=[world.org.pk],
        paid_on=timezone.localdate(),
        how="cash_in_hand",
        handed_by="Sam",
    )


def test_after_payments_reversals_and_attendance_changes_the_stored_totals_equal_the_rows(world):
    # Given Jo's time and bus fare, approved and paid, and the fare then reversed
    jo = world.membership.participant
    with_bank_details(jo)
    claim = money.claim_approve(claim=world.claim, by=world.users["coordinator"])
    assert pay(world, [claim, world.fare]).paid == [claim, world.fare]
    money.ledger_reverse(
        entry=LedgerEntry.objects.get(claim=world.fare, kind="paid"),
        by=world.users["finance"],
        reason="Paid twice by mistake",
    )
    # and a second member recorded at the past meeting, changed, then taken off again
    sam = ProjectMembershipFactory(project=world.project).participant
    rows = [{"participant": jo, "attended": True}]
    for minutes in (90, 45):
        meetings.attendance_record(
            meeting=world.past_meeting,
            by=world.users["coordinator"],
            rows=[*rows, {"participant": sam, "attended": True, "minutes": minutes}],
        )
    assert WorkedTotal.objects.get(project=world.project, participant=sam).minutes == 45
    meetings.attendance_record(
        meeting=world.past_meeting,
        by=world.users["coordinator"],
        rows=[*rows, {"participant": sam, "attended": False}],
    )

    # Then what is stored is what the rows say, person by person
    assert totals_differences() == []
    attended = world.past_meeting.attendance.get(participant=jo)
    assert {
        (t.participant_id, t.minutes) for t in WorkedTotal.objects.filter(project=world.project)
    } == {(jo.pk, attended.minutes + attended.preparation_minutes)}
    assert paid_totals_from_ledger([world.project.pk]) == {
        (world.project.pk, jo.pk): claim.amount_pence
    }
    assert PaidTotal.objects.get(project=world.project, participant=jo).pence == (
        claim.amount_pence
    )
    # and counting again from the rows changes nothing
    before = set(PaidTotal.objects.values_list("project_id", "participant_id", "pence"))
    totals_recompute()
    assert set(PaidTotal.objects.values_list("project_id", "participant_id", "pence")) == before
    assert totals_differences() == []


def test_the_portfolio_reads_the_same_figures_from_the_totals_as_from_the_rows(world):
    jo = world.membership.participant
    with_bank_details(jo)
    claim = money.claim_approve(claim=world.claim, by=world.users["coordinator"])
    pay(world, [claim, world.fare])

    row = portfolio(Project.objects.filter(pk=world.project.pk))[0]

    minutes = worked_totals_from_attendance([world.project.pk])[(world.project.pk, jo.pk)]
    assert (row.figures["hours"].value, row.figures["hours"].people) == (
        (Decimal(minutes) / 60).quantize(Decimal("0.1")),
        1,
    )
    assert (row.figures["paid"].value, row.figures["paid"].people) == (
        claim.amount_pence + world.fare.amount_pence,
        1,
    )


def test_time_at_a_meeting_still_going_on_is_not_counted_until_it_ends(world):
    before = portfolio(Project.objects.filter(pk=world.project.pk))[0].figures["hours"]
    now = timezone.now()
    going_on = meetings.meeting_schedule(
        project=world.project,
        by=world.users["coordinator"],
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=1),
        now=now - datetime.timedelta(days=3),
        title="Going on now",
        purpose="Plan the next letters.",
        format="online",
        online_link="https://meet.example.org/room",
    )
    meetings.attendance_record(
        meeting=going_on,
        by=world.users["coordinator"],
        rows=[{"participant": world.membership.participant, "attended": True}],
    )

    after = portfolio(Project.objects.filter(pk=world.project.pk))[0].figures["hours"]
    assert (after.value, after.people) == (before.value, before.people)
    later = portfolio(
        Project.objects.filter(pk=world.project.pk), now=now + datetime.timedelta(hours=2)
    )[0].figures["hours"]
    assert later.value == before.value + Decimal("1.5")


def test_the_command_finds_a_wrong_total_and_puts_it_right(world):
    jo = world.membership.participant
    with_bank_details(jo)
    pay(world, [world.fare])
    PaidTotal.objects.filter(participant=jo).update(pence=1)

    with pytest.raises(CommandError, match="1 stored totals differ"):
        call_command("report_totals", "--check")
    call_command("report_totals")
    call_command("report_totals", "--check")
    assert PaidTotal.objects.get(participant=jo).pence == world.fare.amount_pence


def test_the_data_migrations_fill_the_totals_from_the_rows_already_there(world):
    jo = world.membership.participant
    with_bank_details(jo)
    claim = money.claim_approve(claim=world.claim, by=world.users["coordinator"])
    pay(world, [claim, world.fare])
    # As on the day the migrations run: rows, and no totals yet.
    WorkedTotal.objects.all().delete()
    PaidTotal.objects.all().delete()

    loader = MigrationLoader(connection)
    for app, name in (("payments", "0008_paid_totals"), ("reports", "0003_worked_totals")):
        migration = importlib.import_module(f"{loader.graph.nodes[(app, name)].__module__}")
        migration.backfill(loader.project_state((app, name)).apps, None)

    assert totals_differences() == []
    assert (
        PaidTotal.objects.get(participant=jo).pence == claim.amount_pence + world.fare.amount_pence
    )
    assert WorkedTotal.objects.filter(participant=jo).exists()
