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


def _context(notification: Notification, kind: kinds.MessageKind) -> dict:
    person = notification.recipient_participant or notification.recipient_user
    name = (
        person.preferred_name if notification.recipient_participant_id else person.get_short_name()
    )
    context = {"name": name, "label": notification.label, "project": notification.project}
    return context | kind.build(notification)


def render(notification: Notification) -> Rendered:
    """Return the subject, the email bodies, the text and any files (a calendar)."""
    kind = kinds.get(notification.kind)
    context = _context(notification, kind)
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
        rendered.attachments.extend(kind.attachments(notification, context))
    return rendered
