"""Turning an outbox row into words: plain language, essentials first, nothing private.

Each kind of message is registered by the app that sends it (kinds.py), with
the function that builds its context and two templates: `<template>.txt` (an
email: the first line is the subject) and `<template>.sms.txt` (a text, also
what a coordinator reads out on the phone). The context holds only what the
message needs: never access needs, notes or anything from private fields.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

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
        self._words: dict[tuple, Words | object | None] = {}

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

    def words(
        self, notification: Notification, kind: kinds.MessageKind, context: dict
    ) -> "Words | None":
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
            found = self._words[key] = Words(*first, _html_with_mark(first[0])) if plain else None
        return found if isinstance(found, Words) else None


# Where the name goes in words rendered once (Shared.words): nothing a person
# is called looks like them, and an escaping template would change their "<".
NAME_MARK = "\x00name<1>\x00"
_MARKS = (NAME_MARK, "\x00another, longer name<2>\x00")
_UNSEEN, _ONCE = object(), object()
# The same in the HTML body, where the escaped name goes: one plain word.
HTML_MARK = "\x00name\x00"
_HTML_MARKS = (HTML_MARK, "\x00another\x00name\x00")
# What makes urlize look at a word (Django's Urlizer.handle_word): a word
# with none of these is left exactly as it is.
_URL_HINTS = re.compile(r"[.@:]")
# A name whose escaped words urlize and linebreaks leave as they are.
_PLAIN_NAME = re.compile(r"[^\s.@:\x00]+(?: [^\s.@:\x00]+)*")


class Words(NamedTuple):
    """A shared kind's message with marks for the name (Shared.words)."""

    email: str  # NAME_MARK for the name
    sms: str  # NAME_MARK for the name
    html: str | None  # HTML_MARK for the escaped name, or None: build it for each person


def _email_parts(email: str) -> tuple[str, str]:
    """(subject, text) from a rendered email template."""
    subject, _, text = email.strip().partition("\n")
    text = text.strip() + "\n\nCoprod. Reply to this email or call your coordinator with questions."
    return subject.strip()[:200], text


def _html(text: str) -> str:
    return linebreaks(urlize(escape(text)))


def _html_with_mark(email: str) -> str | None:
    """The HTML body with HTML_MARK for the name, when urlize leaves every word with it alone.

    Then a plain name (_PLAIN_NAME) put in its place gives what building the
    body with the name would: its words are left alone too, and linebreaks
    sees no new line in it. Otherwise None.
    """
    text = _email_parts(email)[1]
    marked = [text.replace(NAME_MARK, mark) for mark in _HTML_MARKS]
    words = re.split(r"""[\s<>"']+""", str(escape(marked[0])))
    if any(_URL_HINTS.search(word) for word in words if HTML_MARK in word):
        return None
    first, second = (_html(one) for one in marked)
    return first if first.replace(HTML_MARK, _HTML_MARKS[1]) == second else None


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
    if words is None:
        email, sms = _templates(kind, context | {"name": name})
    else:
        email, sms = (part.replace(NAME_MARK, name) for part in (words.email, words.sms))
    subject, text = _email_parts(email)
    if words is not None and words.html is not None and _PLAIN_NAME.fullmatch(name):
        html = words.html.replace(HTML_MARK, escape(name))
    else:
        html = _html(text)
    rendered = Rendered(subject=subject, text=text, html=html, sms=" ".join(sms.split()))
    if kind.attachments is not None and notification.channel == Channel.EMAIL:
        rendered.attachments.extend(shared.files(notification, kind, context))
    return rendered
