"""Channels hand a rendered message to the world: email, text, or a coordinator's task list."""

import hashlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from coprod.notifications.messages import Rendered
from coprod.notifications.models import Channel, Notification
from coprod.notifications.sms import SmsError, sms_backend


class ChannelError(Exception):
    """The message could not be handed over: try again later."""


def message_id(notification: Notification) -> str:
    """The same Message-ID on every attempt, so a mail client can spot a repeat."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@coprod.notifications>"


class EmailChannel:
    def send(self, notification: Notification, rendered: Rendered) -> str:
        mid = message_id(notification)
        email = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={"Message-ID": mid, "X-Coprod-Key": notification.idempotency_key[:200]},
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT or 30),
        )
        email.attach_alternative(rendered.html, "text/html")
        for name, content, mime in rendered.attachments:
            email.attach(name, content, mime)
        try:
            email.send(fail_silently=False)
        except Exception as error:  # smtplib and socket errors alike
            raise ChannelError(f"{type(error).__name__}: {error}"[:480]) from error
        return mid

    def find_sent(self, notification: Notification) -> str:
        # SMTP cannot be asked what it delivered. Sending again uses the same
        # Message-ID, which mail programs treat as the same message.
        return ""


class SmsChannel:
    def __init__(self):
        self.backend = sms_backend()

    def send(self, notification: Notification, rendered: Rendered) -> str:
        try:
            return self.backend.send(
                to=notification.address, body=rendered.sms, reference=notification.idempotency_key
            )
        except SmsError as error:
            raise ChannelError(str(error)) from error

    def find_sent(self, notification: Notification) -> str:
        try:
            return self.backend.find_sent(
                to=notification.address,
                body=notification.body,
                reference=notification.idempotency_key,
                since=notification.send_started_at,
            )
        except SmsError as error:
            raise ChannelError(str(error)) from error


class CoordinatorChannel:
    """Nothing leaves Coprod: the row waits on a coordinator's dashboard to be done by hand."""

    def send(self, notification: Notification, rendered: Rendered) -> str:
        return ""

    def find_sent(self, notification: Notification) -> str:
        return ""


def channel(name: str):
    return {
        Channel.EMAIL: EmailChannel,
        Channel.SMS: SmsChannel,
        Channel.COORDINATOR: CoordinatorChannel,
    }[name]()
