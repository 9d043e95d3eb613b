"""Turning an outbox row into words: plain language, essentials first, nothing private.

Each kind of message is registered by the app that sends it (kinds.py), with
the function that builds its context and two templates: `<template>.txt` (an
email: the first line is the subject) and `<template>.sms.txt` (a text, also
what a coordinator reads out on the phone). The context holds only what the
message needs: never access needs, notes or anything from private fields.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks, urlize

from coprod.notifications import kinds
from coprod.notifications.models import Channel, Notification


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


class Shared:
    """What a batch's messages have in common, built once for all of them.

    For a kind registered `shared=True`, the context and the files (a meeting's
    calendar, with its time zone) depend only on what the message is about,
    so the dispatcher keeps them here for the length of one claimed batch
    (a few seconds at most) instead of building them for every recipient.
    Whether each message may still go is asked afresh for every row
    (relevance.py), so nothing here decides that.
    """

    def __init__(self):
        self._contexts: dict[tuple, dict] = {}
        self._files: dict[tuple, list[tuple[str, bytes, str]]] = {}

    @staticmethod
    def _key(notification: Notification, kind: kinds.MessageKind) -> tuple | None:
        if not kind.shared:
            return None
        return (kind.build, notification.about_type_id, notification.about_id)

    def context(self, notification: Notification, kind: kinds.MessageKind) -> dict:
        key = self._key(notification, kind)
        if key is None:
            return kind.build(notification)
        if key not in self._contexts:
            self._contexts[key] = kind.build(notification)
        return self._contexts[key]

    def files(self, notification: Notification, kind: kinds.MessageKind, context: dict):
        assert kind.attachments is not None
        key = self._key(notification, kind)
        if key is None:
            return kind.attachments(notification, context)
        key = (kind.attachments, *key)
        if key not in self._files:
            self._files[key] = kind.attachments(notification, context)
        return self._files[key]


def _context(notification: Notification, kind: kinds.MessageKind, shared: Shared) -> dict:
    person = notification.recipient_participant or notification.recipient_user
    name = (
        person.preferred_name if notification.recipient_participant_id else person.get_short_name()
    )
    context = {"name": name, "label": notification.label, "project": notification.project}
    return context | shared.context(notification, kind)


def render(notification: Notification, *, shared: Shared | None = None) -> Rendered:
    """Return the subject, the email bodies, the text and any files (a calendar).

    Messages rendered with one `shared` build what they have in common once.
    """
    kind = kinds.get(notification.kind)
    shared = shared or Shared()
    context = _context(notification, kind, shared)
    email = render_to_string(kind.email_template, context).strip()
    subject, _, text = email.partition("\n")
    text = text.strip() + "\n\nCoprod. Reply to this email or call your coordinator with questions."
    sms = " ".join(render_to_string(kind.sms_template, context).split())
    rendered = Rendered(
        subject=subject.strip()[:200],
        text=text,
        html=linebreaks(urlize(escape(text))),
        sms=sms,
    )
    if kind.attachments is not None and notification.channel == Channel.EMAIL:
        rendered.attachments.extend(shared.files(notification, kind, context))
    return rendered
