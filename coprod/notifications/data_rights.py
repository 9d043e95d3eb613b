"""What the outbox holds about a person, for "My data" and erasure."""

from coprod.notifications.models import Notification
from participants.data_rights import register


def export_messages(participant):
    return [
        {
            "what": row.kind_label,
            "how": row.get_channel_display(),
            "to": row.address,
            "when": row.sent_at or row.due_at,
            "status": row.get_status_display(),
            "words": row.body,
        }
        for row in Notification.objects.filter(recipient_participant=participant).order_by("due_at")
    ]


def erase_messages(participant):
    # Nothing more goes to them, and what was sent no longer says who or where.
    rows = Notification.objects.filter(recipient_participant=participant)
    rows.filter(status__in=["pending", "waiting", "failed"]).update(
        status=Notification.Status.CANCELLED, last_error="Their details were erased."
    )
    rows.update(address="", body="", subject="")


register(section="messages", export=export_messages, erase=erase_messages)
