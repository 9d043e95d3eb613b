"""Writing to the outbox: every message to a person starts as a row here.

Callers write rows inside the transaction that makes the change, so a message
exists exactly when the change does. Nothing is sent here: the dispatcher
(dispatch.py) sends rows once they are due. Planning is idempotent: the same
message planned twice is one row (its idempotency key is unique).
"""

import datetime
import logging
from collections.abc import Mapping

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from coprod.accounts.models import User
from coprod.accounts.selectors import COORDINATING_ROLES, organisation_ids_for
from coprod.notifications import kinds
from coprod.notifications.models import DEFAULT_RULES, Channel, Notification, ReminderRule
from coprod.notifications.selectors import NEEDS_ATTENTION
from coprod.notifications.timing import text_moment
from coprod.versions import check_version, rows_version
from participants.models import ConsentTopic, Participant
from participants.selectors import has_consent

logger = logging.getLogger(__name__)

TOLD_BY_PHONE = "told by phone"
NO_CONSENT = "They have not agreed to be contacted."


def channel_for(participant: Participant) -> tuple[str, str, str]:
    """Return (channel, address, reason it is not sent) for a person, from their choices.

    People who asked to be phoned or written to, or whom we cannot reach
    their chosen way, become a task for a coordinator.
    """
    wanted = participant.preferred_channel
    if wanted == Participant.Channel.NONE:
        return Channel.COORDINATOR, "", "They asked not to be contacted."
    if wanted == Participant.Channel.EMAIL and participant.email:
        return Channel.EMAIL, participant.email, ""
    if wanted == Participant.Channel.SMS and participant.phone:
        return Channel.SMS, participant.phone, ""
    return Channel.COORDINATOR, "", ""


def _key(kind, about, recipient, label, moment) -> str:
    who = f"p{recipient.pk}" if isinstance(recipient, Participant) else f"u{recipient.pk}"
    about_type = ContentType.objects.get_for_model(about)
    return f"{kind}:{about_type.pk}:{about.pk}:{who}:{label}:{moment:%Y%m%dT%H%M%S}"


def notify(
    *,
    kind: str,
    about,
    recipient: Participant | User,
    project,
    due_at: datetime.datetime,
    label: str = "",
    expires_at: datetime.datetime | None = None,
    key_moment: datetime.datetime | None = None,
) -> Notification:
    """Plan one message to one person (once: planning it again returns the same row).

    `key_moment` names this message among others of the same kind (a
    reminder's meeting start), so a moved meeting's reminders are new rows.
    A kind no app registered raises UnknownKind (kinds.py).
    """
    kinds.get(kind)
    key = _key(kind, about, recipient, label, key_moment or due_at)
    fields = {
        "organisation_id": project.organisation_id,
        "project": project,
        "kind": kind,
        "about_type": ContentType.objects.get_for_model(about),
        "about_id": about.pk,
        "label": label,
        "about_moment": key_moment,
        "due_at": due_at,
        "expires_at": expires_at,
        "idempotency_key": key,
        "status": Notification.Status.PENDING,
        "last_error": "",
    }
    if isinstance(recipient, Participant):
        channel, address, refusal = channel_for(recipient)
        if recipient.erased_at is not None:
            refusal = "Their details were erased."
        elif not has_consent(recipient, ConsentTopic.CONTACT):
            refusal = NO_CONSENT
        elif channel == Channel.SMS:
            fields["due_at"] = text_moment(
                due_at,
                contact_times=recipient.contact_times,
                zone=project.organisation.zone,
                expires_at=expires_at,
            )
        fields.update(recipient_participant=recipient, channel=channel, address=address)
        if refusal:
            fields.update(status=Notification.Status.CANCELLED, last_error=refusal)
    else:
        fields.update(recipient_user=recipient, channel=Channel.EMAIL, address=recipient.email)
    notification, created = Notification.objects.get_or_create(idempotency_key=key, defaults=fields)
    revive = (
        not created
        and notification.status == Notification.Status.CANCELLED
        and fields["status"] == Notification.Status.PENDING
    )
    if revive:
        # Planned again after being called off (a "no" changed back to "yes").
        for name in ("due_at", "expires_at", "channel", "address", "status", "last_error"):
            setattr(notification, name, fields[name])
        notification.save()
    due_now = notification.due_at <= timezone.now() + datetime.timedelta(seconds=30)
    if notification.status == Notification.Status.PENDING and due_now:
        transaction.on_commit(dispatch_soon)
    return notification


def notify_staff_at(
    *,
    users,
    about,
    project,
    moments,
    expires: Mapping[str, datetime.datetime] | None = None,
    now=None,
) -> None:
    """Plan a message to each of these staff at each (kind, moment) still to come.

    `expires` gives, for a kind, the moment its message stops being of use: a
    moment at or after it is not planned, and a row not sent by then never goes.
    """
    now = now or timezone.now()
    expires = expires or {}
    for kind_at, moment in moments:
        expires_at = expires.get(kind_at)
        if moment < now or (expires_at is not None and moment >= expires_at):
            continue
        for user in users:
            notify(
                kind=kind_at,
                about=about,
                recipient=user,
                project=project,
                due_at=moment,
                expires_at=expires_at,
                key_moment=moment,
            )


# Besides rows still to be sent: a coordinator's phone-or-write task and a
# failed message are of no use either once the thing they were about changed.
CALLED_OFF_FROM = (
    Notification.Status.PENDING,
    Notification.Status.WAITING,
    Notification.Status.FAILED,
)


def cancel_pending(*, about, kinds=None, recipient=None, reason: str) -> int:
    """Call off messages not yet handed over about something (a moved meeting's old reminders).

    Tasks waiting for a coordinator and failed messages about it go too: the
    dashboard stops asking anyone to phone about a meeting that is off.

    That includes messages a dispatcher has claimed but not started: it finds
    them called off when it comes to them. A message whose hand-over has begun
    cannot be called back; the dispatcher's own check (relevance.py) waits for
    this change to commit, so none starts after it.
    """
    rows = Notification.objects.filter(
        Q(status__in=CALLED_OFF_FROM)
        | Q(status=Notification.Status.SENDING, send_started_at__isnull=True),
        about_type=ContentType.objects.get_for_model(about),
        about_id=about.pk,
    )
    if kinds:
        rows = rows.filter(kind__in=kinds)
    if isinstance(recipient, Participant):
        rows = rows.filter(recipient_participant=recipient)
    elif recipient is not None:
        rows = rows.filter(recipient_user=recipient)
    return rows.update(
        status=Notification.Status.CANCELLED,
        last_error=reason[:500],
        claim="",
        lease_expires_at=None,
        updated_at=timezone.now(),
    )


# How far back a message called off for want of consent is still worth
# sending once they agree (an update posted last week, say).
REVIVE_WITHIN = datetime.timedelta(days=30)


def consent_changed(participant: Participant, topic: str, given: bool) -> int:
    """Someone agreed to be contacted: plan again what was called off only for that.

    Only messages still of use: not past their moment, made in the last 30
    days, and reminders only if their time has not passed. The dispatcher
    checks each again when it goes (the meeting may be off, their choices
    may have changed). Returns how many came back.
    """
    if topic != ConsentTopic.CONTACT or not given:
        return 0
    now = timezone.now()
    rows = Notification.objects.filter(
        recipient_participant=participant,
        status=Notification.Status.CANCELLED,
        last_error=NO_CONSENT,
        created_at__gte=now - REVIVE_WITHIN,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    rows = rows.exclude(kind__in=kinds.reminder_codes(), due_at__lt=now)
    revived = rows.update(
        status=Notification.Status.PENDING,
        last_error="",
        due_at=Greatest(F("due_at"), Value(now)),
        updated_at=now,
    )
    if revived:
        transaction.on_commit(dispatch_soon)
    return revived


def dispatch_soon() -> None:
    """Ask a worker to send what is due now, without waiting for beat.

    If the broker cannot be reached the message still goes: beat's next
    tick finds it in the outbox. So a broker problem never fails a request.
    """
    from coprod.notifications.tasks import dispatch_task  # noqa: PLC0415 - tasks -> dispatch -> services: a cycle

    try:
        # One request may plan many messages: one dispatch for them all is enough.
        if not cache.add("notifications:dispatch-soon", True, timeout=2):
            return
        dispatch_task.apply_async(retry=False)
    except Exception:  # the broker is down; beat will pick the row up
        logger.warning("Could not reach the broker; beat will send the message", exc_info=True)


# --- Coordinators acting on the outbox ---------------------------------------------


RETRYABLE = (Notification.Status.FAILED, Notification.Status.UNSURE)


@transaction.atomic
def notification_retry(*, notification: Notification, by: User) -> Notification:
    """Try a failed message again now, with a fresh count of attempts.

    A message that may have gone out keeps that mark: a text is looked up at
    the provider before it is sent again, and an email goes with the same
    Message-ID. The page says so before anyone presses the button.
    """
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in RETRYABLE:
        return notification
    if notification.expires_at and notification.expires_at <= timezone.now():
        raise ValidationError(
            "It is too late for this message to help: the moment it was for has passed."
        )
    notification.status = Notification.Status.PENDING
    notification.attempts = 0
    notification.due_at = timezone.now()
    notification.send_started_at = None
    notification.claim = ""
    notification.handled_by = by
    notification.save()
    transaction.on_commit(dispatch_soon)
    return notification


@transaction.atomic
def notification_mark_told(*, notification: Notification, by: User) -> Notification:
    """Record that a coordinator told the person themself (a phone call, a letter)."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status not in (*RETRYABLE, Notification.Status.WAITING):
        return notification
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.provider_message_id = f"{TOLD_BY_PHONE} by {by}"[:200]
    notification.handled_by = by
    notification.save()
    return notification


def window_for(minutes_before: int) -> int:
    """How late a reminder may still go: a quarter of its notice, from 15 minutes to 6 hours."""
    return min(6 * 60, max(15, minutes_before // 4))


RULES_WHAT = "the reminders"
RULE_GONE = (
    "One of these reminders is no longer there. Open the page again to see them as they are now."
)
# Above any real notice (14 days is 20160 minutes): where a rule waits while
# the others move, so swapping two times never breaks the unique rule.
PARKED_MINUTES = 1_000_000


def reminder_rules_seed(*, project) -> None:
    """Give a new project the default reminder rules (once: seeding again adds none)."""
    for label, minutes, window, sms_only in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(
            project=project,
            minutes_before=minutes,
            sms_only=sms_only,
            defaults={"label": label, "window_minutes": window},
        )


def reminder_rules_version(project) -> str:
    """Stamp a project's reminder rules as their page shows them."""
    return rows_version(ReminderRule.objects.filter(project=project))


@transaction.atomic
def reminder_rules_save(
    *, project, by: User | None, rows: list[dict], version: str | None = None
) -> None:
    """Save a project's reminder rules: change, switch off, or add (by hours before).

    Each row names its rule by id (None for a new one). The times are checked
    as they will be once saved, with any rule the page did not send, so two
    rules may swap times but never end up at the same one. `version` is the
    reminder_rules_version the page showed: a page opened before someone else
    changed the rules is refused.
    """
    rules = {
        rule.pk: rule for rule in ReminderRule.objects.select_for_update().filter(project=project)
    }
    check_version(reminder_rules_version(project), version, what=RULES_WHAT)
    before = {pk: (rule.minutes_before, rule.sms_only) for pk, rule in rules.items()}
    final = dict(before)
    changed, added, sent = [], [], set()
    for row in rows:
        rule_id, hours = row.get("rule"), row.get("hours_before")
        if rule_id is not None:
            if rule_id not in rules or rule_id in sent:
                raise ValidationError(RULE_GONE)
            sent.add(rule_id)
        if hours is None:
            continue
        minutes = int(hours * 60)
        label = (row.get("label") or "").strip() or f"{hours:g} hours before"
        rule = rules[rule_id] if rule_id is not None else ReminderRule(project=project)
        rule.label, rule.minutes_before = label[:60], minutes
        rule.window_minutes = window_for(minutes)
        rule.sms_only, rule.active = bool(row.get("sms_only")), bool(row.get("active"))
        rule.full_clean(exclude=["project"], validate_unique=False)
        if rule.pk is None:
            added.append(rule)
        else:
            changed.append(rule)
            final[rule.pk] = (rule.minutes_before, rule.sms_only)
    times = [*final.values(), *((rule.minutes_before, rule.sms_only) for rule in added)]
    if len(times) != len(set(times)):
        raise ValidationError(
            "Two reminders are set for the same time. Change or remove one.", code="same_time"
        )
    moving = [rule for rule in changed if final[rule.pk] != before[rule.pk]]
    for offset, rule in enumerate(moving):
        ReminderRule.objects.filter(pk=rule.pk).update(minutes_before=PARKED_MINUTES + offset)
    for rule in [*changed, *added]:
        rule.save()


# --- Coordinators acting on many rows at once ----------------------------------------

# Enough for any real meeting; a longer list is cut, never an error.
MARK_TOLD_LIMIT = 500


@transaction.atomic
def notifications_mark_told(*, ids, by: User) -> int:
    """Record that a coordinator told each of these people themself; return how many rows.

    Only rows in organisations the user coordinates (the scope of
    notification_get_for_staff), and only rows still needing attention, are
    changed; any other id is ignored. One UPDATE whose conditions are checked
    as it runs, so a row someone else dealt with a moment ago is left alone.
    """
    ids = list(ids)[:MARK_TOLD_LIMIT]
    if not ids:
        return 0
    now = timezone.now()
    return Notification.objects.filter(
        pk__in=ids,
        organisation_id__in=organisation_ids_for(by, COORDINATING_ROLES),
        status__in=NEEDS_ATTENTION,
    ).update(
        status=Notification.Status.SENT,
        sent_at=now,
        provider_message_id=f"{TOLD_BY_PHONE} by {by}"[:200],
        handled_by=by,
        updated_at=now,
    )
