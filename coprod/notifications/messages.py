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
        self._words: dict[tuple, object] = {}

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

    def words(self, notification: Notification, kind: kinds.MessageKind, context: dict):
        """The email and text as the templates say them, with NAME_MARK for the name, or None.

        For a shared kind, everything but the name is the same for everyone
        who gets the message about the same thing with the same label, so
        from the second such person on the templates are not rendered again:
        the name goes where the mark is. That is only done when the templates
        show the name as it is (no filter, test or escaping touches it):
        rendered with two different marks, the results must differ only in
        the mark. Otherwise (None) each person's message is rendered whole.
        """
        key = self._key(notification, kind)
        if key is None:
            return None
        key = ("words", *key, notification.project_id, notification.label)
        found = self._words.get(key, _UNSEEN)
        if found is _UNSEEN:
            self._words[key] = _ONCE  # the first person's message is rendered whole
            return None
        if found is _ONCE:
            first, second = (_templates(kind, context | {"name": mark}) for mark in _MARKS)
            plain = all(
                one.replace(NAME_MARK, _MARKS[1]) == other
                for one, other in zip(first, second, strict=True)
            )
            found = self._words[key] = first if plain else None
        return found


# Where the name goes in words rendered once (Shared.words): nothing a person
# is called looks like them, and an escaping template would change their "<".
NAME_MARK = "\x00name<1>\x00"
_MARKS = (NAME_MARK, "\x00another, longer name<2>\x00")
_UNSEEN, _ONCE = object(), object()


def _templates(kind: kinds.MessageKind, context: dict) -> tuple[str, str]:
    return (
        render_to_string(kind.email_template, context),
        render_to_string(kind.sms_template, context),
    )


def _context(notification: Notification, kind: kinds.MessageKind, shared: Shared) -> dict:
    context = {"label": notification.label, "project": notification.project}
    return context | shared.context(notification, kind)


def _name(notification: Notification) -> str:
    person = notification.recipient_participant or notification.recipient_user
    if notification.recipient_participant_id:
        return person.preferred_name
    return person.get_short_name()


def render(notification: Notification, *, shared: Shared | None = None) -> Rendered:
    """Return the subject, the email bodies, the text and any files (a calendar).

    Messages rendered with one `shared` build what they have in common once.
    """
    kind = kinds.get(notification.kind)
    shared = shared or Shared()
    context = _context(notification, kind, shared)
    name = _name(notification)
    words = shared.words(notification, kind, context) if name and "\x00" not in name else None
    if words is not None:
        email, sms = (part.replace(NAME_MARK, name) for part in words)
    else:
        email, sms = _templates(kind, context | {"name": name})
    subject, _, text = email.strip().partition("\n")
    text = text.strip() + "\n\nCoprod. Reply to this email or call your coordinator with questions."
    sms = " ".join(sms.split())
    rendered = Rendered(
        subject=subject.strip()[:200],
        text=text,
        html=linebreaks(urlize(escape(text))),
        sms=sms,
    )
    if kind.attachments is not None and notification.channel == Channel.EMAIL:
        rendered.attachments.extend(shared.files(notification, kind, context))
    return rendered
