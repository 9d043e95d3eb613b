"""Sending what is due, once, even when workers die or run side by side.

1. Claim: in one short transaction, take up to a batch of due rows with
   SELECT ... FOR UPDATE SKIP LOCKED (two dispatchers never take the same
   row), mark them "sending" with this run's claim and a lease.
2. For each row, in a short transaction: check the claim is still ours, then
   commit `send_started_at` before handing the message to its channel.
3. Hand it over (outside any transaction), then mark it sent with the
   provider's id, only if the claim is still ours.

A worker killed after 1 leaves rows "sending"; when their lease ends another
dispatcher takes them. If it was killed after 2, the message may have gone:
the channel is asked first (texts are looked up at the provider), and only
then is it sent again. Failures wait 1, 2, 4... backoff periods and become
"failed" (shown to coordinators) after the last attempt.
"""

import datetime
import logging
import os
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coprod.notifications.channels import ChannelError, channel
from coprod.notifications.messages import render
from coprod.notifications.models import Channel, Kind, Notification
from coprod.notifications.services import channel_for
from coprod.notifications.timing import text_moment
from participants.models import ConsentTopic, Participant
from participants.selectors import has_consent

logger = logging.getLogger(__name__)
Status = Notification.Status


def claim_due(*, now=None, batch: int | None = None) -> tuple[str, list[int]]:
    """Take up to `batch` due rows for this run; return (claim, their ids).

    The claim names the process that made it, so the outbox shows who sent what.
    """
    now = now or timezone.now()
    batch = batch or settings.COPROD_NOTIFY_BATCH
    token = f"{os.getpid()}:{uuid.uuid4().hex[:24]}"
    lease = datetime.timedelta(seconds=settings.COPROD_NOTIFY_LEASE_SECONDS)
    with transaction.atomic():
        due = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.PENDING, due_at__lte=now)
                | Q(status=Status.SENDING, lease_expires_at__lt=now)
            )
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        ids = list(due)
        if ids:
            # The status condition repeats the filter: on databases without
            # SKIP LOCKED (SQLite) a row taken meanwhile is not taken twice.
            Notification.objects.filter(pk__in=ids).filter(
                Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_expires_at__lt=now)
            ).update(status=Status.SENDING, claim=token, lease_expires_at=now + lease)
    return token, list(
        Notification.objects.filter(pk__in=ids, claim=token).values_list("pk", flat=True)
    )


def _ours(pk, token):
    return Notification.objects.filter(pk=pk, claim=token, status=Status.SENDING)


def _finish(pk, token, **fields) -> bool:
    return _ours(pk, token).update(lease_expires_at=None, **fields) == 1


def deliver(pk: int, token: str, *, now=None) -> str:
    """Send one claimed row; return what became of it (a status)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            _ours(pk, token)
            .select_for_update(of=("self",))
            .select_related("project__organisation", "recipient_participant", "recipient_user")
            .first()
        )
        if row is None:
            return "not ours"
        if row.expires_at and now >= row.expires_at:
            _finish(pk, token, status=Status.CANCELLED, last_error="Too late to be of use.")
            return Status.CANCELLED
        if row.recipient_participant_id:
            # The person's choices as they are now, not as they were when planned:
            # consent withdrawn, reminders switched off, a new number or address.
            refusal = _refusal(row)
            if refusal:
                _finish(pk, token, status=Status.CANCELLED, last_error=refusal)
                return Status.CANCELLED
            row.channel, row.address, _ = channel_for(row.recipient_participant)
            row.save(update_fields=["channel", "address", "updated_at"])
        if row.channel == Channel.SMS and row.recipient_participant_id:
            moment = text_moment(
                now,
                contact_times=row.recipient_participant.contact_times,
                zone=row.project.organisation.zone,
                expires_at=row.expires_at,
            )
            if moment > now:
                _finish(pk, token, status=Status.PENDING, due_at=moment, claim="")
                return Status.PENDING
        way = channel(row.channel)
        if row.send_started_at is not None:
            # An earlier attempt stopped part-way: it may have gone out.
            try:
                found = way.find_sent(row)
            except ChannelError as error:
                return _failed(row, token, error, now)
            if found:
                _finish(pk, token, status=Status.SENT, sent_at=now, provider_message_id=found)
                return Status.SENT
        rendered = render(row)
        row.send_started_at = now
        row.attempts += 1
        row.subject, row.body = (
            rendered.subject,
            (rendered.sms if row.channel != Channel.EMAIL else rendered.text),
        )
        row.save(update_fields=["send_started_at", "attempts", "subject", "body", "updated_at"])
    try:
        provider_id = way.send(row, rendered)
    except ChannelError as error:
        return _failed(row, token, error, now)
    done = Status.WAITING if row.channel == Channel.COORDINATOR else Status.SENT
    sent_at = None if done == Status.WAITING else now
    _finish(pk, token, status=done, sent_at=sent_at, provider_message_id=provider_id)
    return done


def _refusal(row) -> str:
    person = row.recipient_participant
    if person.erased_at is not None:
        return "Their details were erased."
    if not has_consent(person, ConsentTopic.CONTACT):
        return "They have not agreed to be contacted."
    if row.kind == Kind.REMINDER and person.reminders == Participant.Reminders.NONE:
        return "They switched reminders off."
    _, _, refusal = channel_for(person)
    return refusal


def _failed(row, token, error, now) -> str:
    message = str(error)[:500]
    if row.attempts >= settings.COPROD_NOTIFY_MAX_ATTEMPTS:
        _finish(row.pk, token, status=Status.FAILED, last_error=message, send_started_at=None)
        logger.warning("Message %s failed for good: %s", row.pk, message)
        return Status.FAILED
    wait = settings.COPROD_NOTIFY_BACKOFF_SECONDS * 2 ** max(row.attempts - 1, 0)
    _finish(
        row.pk,
        token,
        status=Status.PENDING,
        claim="",
        send_started_at=None,
        last_error=message,
        due_at=now + datetime.timedelta(seconds=wait),
    )
    return Status.PENDING


def dispatch_due(*, now=None, batch: int | None = None, max_batches: int = 20) -> int:
    """Send everything due now, a batch at a time; return how many rows were handled."""
    handled = 0
    for _ in range(max_batches):
        token, ids = claim_due(now=now, batch=batch)
        if not ids:
            break
        for pk in ids:
            try:
                deliver(pk, token, now=now)
            except Exception as error:
                # A fault in our own code (a template, say) will not mend itself:
                # the row is marked failed, for a coordinator to see, and the rest go on.
                logger.exception("Could not deliver message %s", pk)
                _finish(
                    pk,
                    token,
                    status=Status.FAILED,
                    send_started_at=None,
                    last_error=f"Coprod could not prepare this message: {error}"[:500],
                )
            handled += 1
    return handled
