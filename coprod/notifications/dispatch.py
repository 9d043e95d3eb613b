"""Sending what is due, once, even when workers die or run side by side.

1. Claim: in one short transaction, take up to a batch of due rows with
   SELECT ... FOR UPDATE SKIP LOCKED (two dispatchers never take the same
   row), mark them "sending" with this run's claim and a lease.
2. For each row, in a short transaction: ask whether it is still wanted (the
   meeting may have been called off: relevance.py), lock the row, check the
   claim is still ours, the person's choices as they are now, and commit
   `send_started_at` with a fresh lease before handing the message over.
3. Hand it over (outside any transaction) while a keeper renews that row's
   lease, then mark it sent, only if the claim is still ours; only then say
   goodbye to the mail server.

A worker killed after 1 leaves rows "sending" with no `send_started_at`:
when their lease ends another dispatcher takes them, and nothing was sent.
Killed after 2, the message may have gone: the row is marked so
(`may_have_gone_since`), the channel is asked first (texts are looked up at
the provider; SMTP cannot be asked, so an email goes again with the same
Message-ID), and only then is it sent again. That is the one repeat a crash
can cause. A row whose lease runs out while its hand-over is still going
cannot be taken: the keeper renews it.

Failures wait 1, 2, 4... backoff periods. After the last attempt a message
that cannot have gone is "failed"; one that may have gone is "may have been
sent", so nobody resends it without knowing that.
"""

import contextlib
import datetime
import logging
import os
import threading
import time
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from coprod.notifications import relevance
from coprod.notifications.channels import ChannelError, channel
from coprod.notifications.messages import Shared, render
from coprod.notifications.models import Channel, Notification
from coprod.notifications.reach import reach_for
from coprod.notifications.services import channel_for
from coprod.notifications.timing import text_moment
from participants.models import ConsentTopic
from participants.selectors import consent_answer_of

logger = logging.getLogger(__name__)
Status = Notification.Status
MAY_HAVE_GONE = " An earlier try may have reached them."
# A person's private fields: no message needs them, so they are not read (nor decrypted).
PRIVATE = [
    f"recipient_participant__{name}"
    for name in ("access_needs", "support_contact", "wellbeing_notes")
]


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.COPROD_NOTIFY_LEASE_SECONDS)


def claim_due(*, now=None, batch: int | None = None) -> tuple[str, list[int]]:
    """Take up to `batch` due rows for this run; return (claim, their ids).

    The claim names the process that made it, so the outbox shows who sent what.
    """
    now = now or timezone.now()
    batch = batch or settings.COPROD_NOTIFY_BATCH
    token = f"{os.getpid()}:{uuid.uuid4().hex[:24]}"
    lease = _lease()
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


class LeaseKeeper:
    """Renews the lease of the row being handed over, for one claimed batch.

    A slow mail server may take longer than a lease: without this, another
    dispatcher would take the row as abandoned and send it again. One thread
    serves the whole batch, with its own database connection: `holding(pk)`
    names the row whose hand-over is under way, and the thread renews that
    row's lease each time a hand-over has lasted another third of a lease, so
    a quick hand-over never touches the database. Leaving `holding` waits for
    a renewal in progress, so the row is recorded only after it.
    """

    def __init__(self, token: str):
        self.token = token
        self.interval = max(settings.COPROD_NOTIFY_LEASE_SECONDS / 3, 0.2)
        self._changed = threading.Condition()
        self._renewing = threading.Lock()
        self._pk: int | None = None
        self._since = 0.0
        self._stopped = False
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def holding(self, pk: int):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lease-keeper", daemon=True)
            self._thread.start()
        with self._changed:
            self._pk, self._since = pk, time.monotonic()
            self._changed.notify()
        try:
            yield self
        finally:
            with self._changed:
                self._pk = None
                self._changed.notify()
            with self._renewing:  # a renewal already under way ends first
                pass

    def close(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _next(self) -> int | None:
        """Wait until the row held has been handed over for another interval; None to stop."""
        with self._changed:
            while not self._stopped:
                if self._pk is None:
                    self._changed.wait()
                    continue
                left = self._since + self.interval - time.monotonic()
                if left > 0:
                    self._changed.wait(left)
                    continue
                self._since = time.monotonic()
                # Taken before `holding` can let its row go: it waits for this renewal.
                self._renewing.acquire()
                return self._pk
            return None

    def _run(self):
        try:
            while (pk := self._next()) is not None:
                try:
                    _ours(pk, self.token).update(lease_expires_at=timezone.now() + _lease())
                except DatabaseError:
                    logger.warning("Could not renew the lease of message %s", pk)
                finally:
                    self._renewing.release()
        finally:
            connection.close()


class Batch:
    """What the messages of one claimed batch share: open channels, common parts, first reads.

    One SMTP connection for the whole batch, each meeting's context and
    calendar file built once (messages.Shared), one lease keeper per claim,
    and what each row is about read for the whole batch in one query
    (`load`): a row's kind, subject and recipient never change, so only the
    row's own state, the person's choices and the relevance checks are read
    again for each message. Closing it says goodbye to the mail server,
    after every message of the batch has been recorded.
    """

    def __init__(self):
        self.shared = Shared()
        self._ways: dict[str, object] = {}
        self._keepers: dict[str, LeaseKeeper] = {}
        self._heads: dict[int, Notification] = {}

    def load(self, ids: list[int]) -> None:
        """Read what these rows are about, and their projects, in one query."""
        rows = Notification.objects.filter(pk__in=ids).select_related("project__organisation")
        for row in rows.order_by():
            row.about_type = ContentType.objects.get_for_id(row.about_type_id)
            self._heads[row.pk] = row

    def head(self, pk: int, token: str) -> Notification | None:
        """The row as `load` read it (or as it is now, if it was not loaded)."""
        head = self._heads.pop(pk, None)
        if head is None:
            head = _ours(pk, token).select_related("project__organisation").order_by().first()
        return head

    def keeper(self, token: str) -> LeaseKeeper:
        if token not in self._keepers:
            self._keepers[token] = LeaseKeeper(token)
        return self._keepers[token]

    def way(self, name: str):
        if name not in self._ways:
            self._ways[name] = channel(name)
        return self._ways[name]

    def close(self) -> None:
        for keeper in self._keepers.values():
            keeper.close()
        self._keepers.clear()
        for way in self._ways.values():
            way.close()  # type: ignore[attr-defined]
        self._ways.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def deliver(pk: int, token: str, *, now=None, batch: Batch | None = None) -> str:
    """Send one claimed row; return what became of it (a status, or "not ours").

    Within a `batch`, its channels stay open for the next row; alone, they
    are closed before this returns.
    """
    if batch is None:
        with Batch() as alone:
            return deliver(pk, token, now=now, batch=alone)
    now = now or timezone.now()
    try:
        prepared = _prepare(pk, token, now, batch)
    except DatabaseError:
        raise  # the database is away: the lease runs out and the row is taken up again
    except Exception as error:
        # A fault in our own code (a template, say) will not mend itself: the
        # row is marked for a coordinator to see. Nothing was handed over.
        logger.exception("Could not prepare message %s", pk)
        row = Notification.objects.filter(pk=pk).only("may_have_gone_since").first()
        unsure = row is not None and row.may_have_gone_since is not None
        _finish(
            pk,
            token,
            status=Status.UNSURE if unsure else Status.FAILED,
            send_started_at=None,
            last_error=f"Coprod could not prepare this message: {error}"[:500],
        )
        return Status.UNSURE if unsure else Status.FAILED
    if isinstance(prepared, str):
        return prepared
    row, rendered, way = prepared
    with batch.keeper(token).holding(pk):
        try:
            provider_id = way.send(row, rendered)
        except ChannelError as error:
            return _failed(row, token, error, now)
        except Exception as error:  # past the hand-over: it may have gone
            logger.exception("Message %s: the channel failed part-way", pk)
            return _failed(
                row,
                token,
                ChannelError(f"{type(error).__name__}: {error}", may_have_gone=True),
                now,
            )
    done = Status.WAITING if row.channel == Channel.COORDINATOR else Status.SENT
    _record(
        pk,
        token,
        status=done,
        sent_at=None if done == Status.WAITING else now,
        provider_message_id=provider_id,
    )
    return done


def _prepare(pk: int, token: str, now, batch: Batch):
    """Everything up to the hand-over, in one transaction; returns (row, rendered, channel).

    Or a status, when the row is settled without sending: called off, too
    late, waiting for the morning, found already sent.
    """
    head = batch.head(pk, token)
    if head is None:
        return "not ours"
    with transaction.atomic():
        # What the message is about is read (and locked) first, the row second:
        # the same order as a change that calls messages off, so neither waits
        # for the other in a circle.
        unwanted = relevance.why_not_now(head)
        # The row, the person's choices and their consent, read by the one
        # statement that locks the row. A change that calls this message off
        # writes the row itself (services.cancel_pending): this waits for it,
        # then finds the row no longer ours.
        rows = (
            _ours(pk, token)
            .select_for_update(of=("self",))
            .select_related("recipient_participant", "recipient_user")
            .defer(*PRIVATE)
            .annotate(consent_now=consent_answer_of("recipient_participant", ConsentTopic.CONTACT))
            .order_by()[:1]
        )
        row = next(iter(rows), None)
        if row is None:
            return "not ours"
        row.project, row.about_type = head.project, head.about_type
        if row.send_started_at is not None:
            # An earlier attempt was cut off part-way: it may have gone out.
            row.may_have_gone_since = row.may_have_gone_since or row.send_started_at
        settled = {"send_started_at": None, "may_have_gone_since": row.may_have_gone_since}
        also = MAY_HAVE_GONE if row.may_have_gone_since else ""
        if not unwanted and row.expires_at and now >= row.expires_at:
            unwanted = "Too late to be of use."
        if not unwanted and row.recipient_participant_id:
            # The person's choices as they are now, not as they were when planned:
            # consent withdrawn, reminders switched off, a new number or address.
            unwanted = _refusal(row)
        if unwanted:
            _finish(pk, token, status=Status.CANCELLED, last_error=unwanted + also, **settled)
            return Status.CANCELLED
        if row.recipient_participant_id:
            row.channel, row.address, _ = channel_for(row.recipient_participant)
        if row.channel == Channel.SMS and row.recipient_participant_id:
            moment = text_moment(
                now,
                contact_times=row.recipient_participant.contact_times,
                zone=row.project.organisation.zone,
                expires_at=row.expires_at,
            )
            if moment > now:
                _finish(pk, token, status=Status.PENDING, due_at=moment, claim="", **settled)
                return Status.PENDING
        way = batch.way(row.channel)
        if row.may_have_gone_since is not None:
            try:
                found = way.find_sent(row)
            except ChannelError as error:
                return _failed(row, token, error, now)
            if found:
                _finish(
                    pk, token, status=Status.SENT, sent_at=now, provider_message_id=found, **settled
                )
                return Status.SENT
        rendered = render(row, shared=batch.shared)
        row.send_started_at = now
        row.lease_expires_at = now + _lease()
        row.attempts += 1
        row.subject, row.body = (
            rendered.subject,
            (rendered.sms if row.channel != Channel.EMAIL else rendered.text),
        )
        row.save(
            update_fields=[
                "channel",
                "address",
                "send_started_at",
                "may_have_gone_since",
                "lease_expires_at",
                "attempts",
                "subject",
                "body",
                "updated_at",
            ]
        )
    return row, rendered, way


def _record(pk, token, **fields) -> bool:
    """Mark a handed-over message, trying again if the database blinks.

    The message is out: losing this write would send it again once the lease
    ends, so it is worth a few seconds of retries.
    """
    for attempt in range(4):
        try:
            return _finish(pk, token, **fields)
        except DatabaseError:
            if attempt == 3 or connection.in_atomic_block:
                raise
            logger.warning("Could not record message %s as sent; trying again", pk)
            connection.close()
            time.sleep(0.5 * 2**attempt)
    return False


def _refusal(row) -> str:
    """Why the person's own choices, as they are now, stop this message ("" if they do not).

    Their consent was read with the locked row (`consent_now`).
    """
    consent = None if row.consent_now is None else bool(row.consent_now)
    return reach_for(row.recipient_participant, kind=row.kind, consent=consent).refusal


def _failed(row, token, error: ChannelError, now) -> str:
    """An attempt that did not get through: wait and try again, or give up visibly.

    A message that may have gone keeps that mark across every later attempt,
    a failed look-up included, so it is never sent again without asking first.
    """
    since = row.may_have_gone_since
    if error.may_have_gone and since is None:
        since = row.send_started_at or now
    message = str(error)[:500]
    settled = {"send_started_at": None, "may_have_gone_since": since, "last_error": message}
    if row.attempts >= settings.COPROD_NOTIFY_MAX_ATTEMPTS:
        status = Status.UNSURE if since else Status.FAILED
        _record(row.pk, token, status=status, **settled)
        logger.warning("Message %s: %s after the last try: %s", row.pk, status, message)
        return status
    wait = settings.COPROD_NOTIFY_BACKOFF_SECONDS * 2 ** max(row.attempts - 1, 0)
    _record(
        row.pk,
        token,
        status=Status.PENDING,
        claim="",
        due_at=now + datetime.timedelta(seconds=wait),
        **settled,
    )
    return Status.PENDING


def dispatch_due(*, now=None, batch: int | None = None) -> int:
    """Send everything due now, a batch at a time; return how many rows were handled.

    It goes on until nothing due is left, so a large meeting's invitations
    never wait for beat's next tick. A row it has already handled (a failure
    due again at once) is left for the next run, so this always ends.
    """
    handled: set[int] = set()
    while True:
        token, ids = claim_due(now=now, batch=batch)
        fresh = [pk for pk in ids if pk not in handled]
        if not fresh:
            _release([pk for pk in ids if pk in handled], token)
            break
        with Batch() as run:
            run.load(fresh)
            for pk in ids:
                if pk in handled:
                    _release([pk], token)
                    continue
                deliver(pk, token, now=now, batch=run)
                handled.add(pk)
    return len(handled)


def _release(ids: list[int], token: str) -> None:
    """Give back rows claimed but not tried in this run: the next run takes them."""
    if ids:
        Notification.objects.filter(pk__in=ids, claim=token, status=Status.SENDING).update(
            status=Status.PENDING, claim="", lease_expires_at=None
        )
