"""The kinds of message the outbox carries: a registry each app fills at start-up.

The outbox knows no domain. An app that sends messages says, for each kind,
what it is called, how to build its templates' context and which templates
say it; it registers them from its AppConfig.ready() (see
projects/meetings/notifications.py):

    from coprod.notifications import kinds

    MEETING_MOVED = "meeting_moved"
    kinds.register(
        MEETING_MOVED,
        label="Meeting moved",
        build=meeting_change_context,
        template="projects/notifications/meeting_moved",
        attachments=meeting_calendar,
    )

`template` names two files: `<template>.txt`, an email whose first line is the
subject, and `<template>.sms.txt`, a text (also what a coordinator reads out
on the phone). A kind whose context and files depend only on what the
message is about, never on who receives it (a meeting's invitation), says
`shared=True`: the dispatcher then builds them once for everyone in a batch
(see messages.Shared), and only the person's name differs. A kind is stored
on the row as its code, so a new kind needs no migration; writing a row of a
kind nobody registered is a programming error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# (notification) -> the context its templates need, beyond name, label and project.
Builder = Callable[[Any], dict[str, Any]]
# (notification, context) -> files for an email: (file name, content, MIME type).
Attacher = Callable[[Any, dict[str, Any]], list[tuple[str, bytes, str]]]


class UnknownKind(LookupError):
    """A message of a kind no app registered."""


@dataclass(frozen=True)
class MessageKind:
    code: str
    label: str
    build: Builder
    template: str
    attachments: Attacher | None = None
    # A reminder of something to come: the person's "reminders" choice applies
    # to it, and once its moment has passed it is never sent late.
    reminder: bool = False
    # The context and files depend only on the row's kind and what it is about.
    shared: bool = False

    @property
    def email_template(self) -> str:
        return f"{self.template}.txt"

    @property
    def sms_template(self) -> str:
        return f"{self.template}.sms.txt"


KINDS: dict[str, MessageKind] = {}


def register(
    code: str,
    *,
    label: str,
    build: Builder,
    template: str,
    attachments: Attacher | None = None,
    reminder: bool = False,
    shared: bool = False,
) -> str:
    """Add a kind of message (registering the same one again is harmless); return its code."""
    kind = MessageKind(code, label, build, template, attachments, reminder, shared)
    if code in KINDS and KINDS[code] != kind:
        raise ValueError(f"Two different registrations for one kind of message: {code}")
    if len(code) > 30:
        raise ValueError(f"A kind's code fits in 30 characters: {code}")
    KINDS[code] = kind
    return code


def get(code: str) -> MessageKind:
    """The registered kind, or UnknownKind: no app declared a message of this kind."""
    try:
        return KINDS[code]
    except KeyError:
        raise UnknownKind(f"No app registered messages of kind {code!r}") from None


def label(code: str) -> str:
    """The kind's name for people; a row of a kind no longer registered shows its code."""
    kind = KINDS.get(code)
    return kind.label if kind else code.replace("_", " ").capitalize()


def choices() -> list[tuple[str, str]]:
    """(code, label) for every registered kind, by label: for filters."""
    return sorted(((kind.code, kind.label) for kind in KINDS.values()), key=lambda c: c[1])


def reminder_codes() -> list[str]:
    return [kind.code for kind in KINDS.values() if kind.reminder]
