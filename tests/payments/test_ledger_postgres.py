"""On PostgreSQL: the database refuses to change the ledger, and two finance users
clicking "paid" at once pay each claim once."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from payments import services
from payments.models import Claim, LedgerEntry
from tests.conftest import build_world

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_raw_update_or_delete_of_a_ledger_row_is_refused_by_the_database(postgres_and_redis):
    world = build_world()
    entry = world.ledger_entry
    for sql in (
        "UPDATE payments_ledgerentry SET amount_pence = 1 WHERE id = %s",
        "DELETE FROM payments_ledgerentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount_pence == 450


def test_two_finance_users_clicking_paid_at_once_pay_each_claim_once(postgres_and_redis):
    world = build_world()
    coordinator = world.users["coordinator"]
    claims = [world.fare]
    for n in range(5):
        claim = services.expense_claim_submit(
            participant=world.membership.participant,
            project=world.project,
            by=None,
            expense="travel",
            amount_pence=100 + n,
            description=f"Trip {n}",
            work_date=timezone.localdate(),
        )
        claims.append(services.claim_approve(claim=claim, by=coordinator))
    ids = [claim.pk for claim in claims]
    start = threading.Barrier(2)
    results, errors = [], []

    def click():
        try:
            start.wait()
            results.append(
                services.claims_mark_paid(
                    claim_ids=ids,
                    by=world.users["finance"],
                    organisation_ids=[world.org.pk],
                    paid_on=timezone.localdate(),
                    how="cash_in_hand",
                    handed_by="Sam at the front desk",
                    reference="Batch 2001",
                )
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    paid = [claim.pk for result in results for claim in result.paid]
    assert sorted(paid) == sorted(ids)  # each paid by exactly one of the two clicks
    assert LedgerEntry.objects.filter(claim_id__in=ids, kind="paid").count() == len(ids)
    assert set(Claim.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"paid"}


def test_the_same_claim_form_sent_twice_at_once_makes_one_claim(postgres_and_redis):
    import uuid

    world = build_world()
    key = uuid.uuid4()
    start = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            start.wait()
            results.append(
                services.expense_claim_submit(
                    participant=world.membership.participant,
                    project=world.project,
                    by=None,
                    expense="childcare",
                    amount_pence=1200,
                    description="",
                    work_date=timezone.localdate(),
                    submission_key=key,
                )
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert len({claim.pk for claim in results}) == 1
    assert Claim.objects.filter(submission_key=key).count() == 1
