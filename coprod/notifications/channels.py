"""Channels hand a rendered message to the world: email, text, or a coordinator's task list."""

import contextlib
import hashlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from coprod.notifications.messages import Rendered
from coprod.notifications.models import Channel, Notification
from coprod.notifications.sms import SmsError, sms_backend


class ChannelError(Exception):
    """The message could not be handed over: try again later.

    `may_have_gone` says whether it might have reached the person all the
    same (the connection broke after the message was on its way).
    """

    def __init__(self, message: str, *, may_have_gone: bool = False):
        super().__init__(message)
        self.may_have_gone = may_have_gone


class _PayloadWatch:
    """Notes the moment an SMTP client sends a message's last line.

    Before it, a broken connection means the server cannot have the message;
    after it, the server may have taken it even if we never heard its "250".
    One watch serves every message on its connection: `reset()` before each.
    """

    END = b"\r\n.\r\n"

    def __init__(self, smtp):
        self.smtp = smtp
        self.payload_sent = smtp is None  # not SMTP: assume the worst
        if smtp is not None:
            send = smtp.send

            def watched(data):
                if isinstance(data, bytes) and data.endswith(self.END):
                    self.payload_sent = True
                return send(data)

            smtp.send = watched

    def reset(self) -> None:
        self.payload_sent = self.smtp is None


def message_id(notification: Notification) -> str:
    """The same Message-ID on every attempt, so a mail client can spot a repeat."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@coprod.notifications>"


class _Stale(Exception):
    """A kept connection the server had already closed; nothing was sent on it."""


_HUNG_UP = (smtplib.SMTPServerDisconnected, ConnectionError)


class EmailChannel:
    """Email over the configured backend (SMTP in production).

    One connection serves a whole batch: it is opened for the first message
    and closed by `close()` once the dispatcher has recorded the batch's
    messages, so the "goodbye" to the server is never inside the window where
    a crash causes a repeat. After any error the connection is dropped and the
    next message opens a new one. A server that hung up on an idle connection
    is caught before the message goes (nothing sent): then one new connection
    is tried at once.
    """

    def __init__(self):
        self.connection = None
        self.watch: _PayloadWatch | None = None

    def _open(self) -> None:
        if self.connection is not None:
            return
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT or 30)
        try:
            connection.open()
        except Exception as error:  # cannot connect: nothing was sent
            raise ChannelError(f"{type(error).__name__}: {error}"[:480]) from error
        self.connection = connection
        self.watch = _PayloadWatch(getattr(connection, "connection", None))

    def send(self, notification: Notification, rendered: Rendered) -> str:
        mid = message_id(notification)
        email = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={"Message-ID": mid, "X-Coprod-Key": notification.idempotency_key[:200]},
        )
        email.attach_alternative(rendered.html, "text/html")
        for name, content, mime in rendered.attachments:
            email.attach(name, content, mime)
        try:
            self._send(email, reused=self.connection is not None)
        except _Stale:
            self._send(email, reused=False)
        return mid

    def _send(self, email, *, reused: bool) -> None:
        self._open()
        assert self.connection is not None
        assert self.watch is not None
        self.watch.reset()
        email.connection = self.connection
        try:
            email.send(fail_silently=False)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as error:
            # The server answered "no": it does not have the message.
            self._drop()
            raise ChannelError(f"{type(error).__name__}: {error}"[:480]) from error
        except Exception as error:  # the connection broke or timed out
            may_have_gone = self.watch.payload_sent
            self._drop()
            if reused and not may_have_gone and isinstance(error, _HUNG_UP):
                # The server closed the connection while it sat idle between
                # messages: it cannot have this one. Try a new connection.
                raise _Stale from error
            raise ChannelError(
                f"{type(error).__name__}: {error}"[:480], may_have_gone=may_have_gone
            ) from error

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
        self.connection = None

    def find_sent(self, notification: Notification) -> str:
        # SMTP cannot be asked what it delivered. Sending again uses the same
        # Message-ID, which mail programs treat as the same message.
        return ""

    def close(self) -> None:
        # The messages are recorded by now: a failed goodbye changes nothing.
        self._drop()
        self.watch = None


class SmsChannel:
    def __init__(self):
        self.backend = sms_backend()

    def send(self, notification: Notification, rendered: Rendered) -> str:
        try:
            return self.backend.send(
                to=notification.address, body=rendered.sms, reference=notification.idempotency_key
            )
        except SmsError as error:
            raise ChannelError(str(error), may_have_gone=error.may_have_gone) from error

    def find_sent(self, notification: Notification) -> str:
        try:
            return self.backend.find_sent(
                to=notification.address,
                body=notification.body,
                reference=notification.idempotency_key,
                since=notification.may_have_gone_since or notification.send_started_at,
            )
        except SmsError as error:
            raise ChannelError(f"Could not check whether it went: {error}"[:480]) from error

    def close(self) -> None:
        pass


class CoordinatorChannel:
    """Nothing leaves Coprod: the row waits on a coordinator's dashboard to be done by hand."""

    def send(self, notification: Notification, rendered: Rendered) -> str:
        return ""

    def find_sent(self, notification: Notification) -> str:
        return ""

    def close(self) -> None:
        pass


def channel(name: str):
    return {
        Channel.EMAIL: EmailChannel,
        Channel.SMS: SmsChannel,
        Channel.COORDINATOR: CoordinatorChannel,
    }[name]()
