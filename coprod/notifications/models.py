from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from coprod.notifications import kinds


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    # Not sent by Coprod: a task on a coordinator's dashboard to phone (or
    # write to) the person, for people who asked for that or have no address.
    COORDINATOR = "coordinator", "A coordinator phones or writes"


class Notification(models.Model):
    """One message to one person: a row in the outbox.

    Rows are written in the same transaction as the change that causes them,
    and the dispatcher sends each one once (see coprod/notifications/dispatch.py).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        WAITING = "waiting", "Waiting for a coordinator"
        FAILED = "failed", "Failed"
        # The channel took it, or may have, but never said so: it may have reached them.
        UNSURE = "unsure", "May have been sent"
        CANCELLED = "cancelled", "Not sent"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient_participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # A code registered by the app that sends it (kinds.py): no choices here,
    # so a new kind of message needs no migration.
    kind = models.CharField(max_length=30)
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    about_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("about_type", "about_id")
    # A reminder rule's label ("2 days before"), for the message and the outbox page.
    label = models.CharField(max_length=100, blank=True)
    # The moment the message was planned for (a reminder's meeting start): if
    # the thing it is about has moved since, the message is not sent.
    about_moment = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField()
    # After this moment the message is no use (a reminder once the meeting has started).
    expires_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    # Claimed by one dispatcher until the lease ends; a claim that outlives
    # its lease (the worker died) is taken up again.
    claim = models.CharField(max_length=40, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Set (and committed) just before handing the message to the channel, and
    # cleared once the attempt is over: a row found "sending" with this set was
    # cut off part-way, so it may have gone out.
    send_started_at = models.DateTimeField(null=True, blank=True)
    # When the first attempt began that may have reached the person (it was
    # cut off, or the channel gave no answer): the channel is asked what it
    # sent since then before sending again, and a message that never gets
    # through ends "may have been sent", not "failed".
    may_have_gone_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    # What went, as sent: the outbox page shows it.
    address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(recipient_participant__isnull=False, recipient_user__isnull=True)
                    | models.Q(recipient_participant__isnull=True, recipient_user__isnull=False)
                ),
                name="notifications_one_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "pending",
                        "sending",
                        "sent",
                        "waiting",
                        "failed",
                        "unsure",
                        "cancelled",
                    ]
                ),
                name="notifications_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notifications_due"),
            models.Index(fields=["about_type", "about_id"], name="notifications_about"),
        ]

    def __str__(self):
        return f"{self.kind_label} to {self.recipient_name} ({self.get_status_display()})"

    @property
    def kind_label(self) -> str:
        return kinds.label(self.kind)

    @property
    def recipient_name(self) -> str:
        if self.recipient_participant_id:
            return self.recipient_participant.preferred_name
        return str(self.recipient_user)


class ReminderRule(models.Model):
    """When a project reminds people of a meeting, relative to its start.

    A reminder whose moment has passed by more than `window_minutes` when it
    would be made is not made at all: a meeting booked for tomorrow gets no
    "2 days before" message.
    """

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="reminder_rules"
    )
    label = models.CharField(max_length=60)
    minutes_before = models.PositiveIntegerField()
    window_minutes = models.PositiveIntegerField(
        help_text="How late it may still go, if it could not go on time."
    )
    sms_only = models.BooleanField("only for people who chose text messages", default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "-minutes_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "minutes_before", "sms_only"], name="notifications_rule_once"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_before__gte=15),
                name="notifications_rule_at_least_15_minutes",
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.label}"


DEFAULT_RULES = [
    # (label, minutes before, window minutes, SMS only)
    ("2 days before", 2 * 24 * 60, 6 * 60, False),
    ("2 hours before", 2 * 60, 30, True),
]
