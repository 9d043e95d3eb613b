"""A person's data rights: download everything we hold, or have it erased.

Each app registers what it holds about a participant. Later apps add theirs
the same way (payments must keep amounts, dates and the pseudonym that tax
law requires, and remove the rest), so erasure reaches everywhere:

    from participants.data_rights import register
    register(section="payments", export=my_export, erase=my_erase)
"""

import datetime
import json
import secrets
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from coprod.accounts.models import User
from coprod.accounts.navigation import access_changed
from coprod.csv_safe import csv_text
from participants import services
from participants.models import (
    CONTRIBUTE_AREAS,
    AccessLog,
    ConsentRecord,
    ContactTime,
    MeetingTime,
    Participant,
    ProjectMembership,
)
from participants.phones import phone_for_display


@dataclass(frozen=True)
class Holder:
    section: str
    # (participant) -> a dict or a list of dicts of plain values: text, numbers,
    # True/False, None, dates, aware datetimes, and lists of those (or of dicts).
    # Choices go in as their labels and money as pounds ("£4.50"): the export
    # shows what it is given.
    export: Callable
    erase: Callable | None  # (participant) -> None, inside the erasure transaction


HOLDERS: list[Holder] = []

FORMATS = {"csv": AccessLog.Kind.EXPORT_CSV, "json": AccessLog.Kind.EXPORT_JSON}


def register(*, section: str, export: Callable, erase: Callable | None = None) -> None:
    """Add an app's part of a person's data (once per section)."""
    if any(holder.section == section for holder in HOLDERS):
        return
    HOLDERS.append(Holder(section, export, erase))


def data_export(participant: Participant) -> dict:
    """Everything every app holds about the person, section by section."""
    ordered = sorted(HOLDERS, key=lambda holder: holder.section != "profile")
    return {holder.section: holder.export(participant) for holder in ordered}


def _json_value(zone: zoneinfo.ZoneInfo) -> Callable:
    def convert(value):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value, zone).isoformat(timespec="seconds")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        # Anything else would come out as a Python repr: refuse it, so a
        # new holder is caught by the tests rather than by the person.
        raise TypeError(f"Cannot put {type(value).__name__} in a data export")

    return convert


def data_export_json(participant: Participant) -> str:
    """The export as JSON: dates ISO 8601, times in the organisation's time zone."""
    return json.dumps(
        data_export(participant),
        indent=2,
        ensure_ascii=False,
        default=_json_value(participant.organisation.zone),
    )


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _plain(value, zone: zoneinfo.ZoneInfo) -> str:
    """One value as a person would write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return dateformat.format(timezone.localtime(value, zone), "l j F Y, H:i")
    if isinstance(value, datetime.date):
        return dateformat.format(value, "l j F Y")
    if isinstance(value, list | tuple):
        return "; ".join(_plain(item, zone) for item in value)
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    raise TypeError(f"Cannot put {type(value).__name__} in a data export")


def _csv_rows(section: str, item: str, record: dict, zone) -> Iterator[list[str]]:
    for key, value in record.items():
        if isinstance(value, list) and any(isinstance(entry, dict) for entry in value):
            for number, entry in enumerate(value, start=1):
                sub_item = f"{item}, {_label(key)} {number}" if item else f"{_label(key)} {number}"
                yield from _csv_rows(section, sub_item, entry, zone)
        else:
            yield [_label(section), item, _label(key), _plain(value, zone)]


def data_export_csv(participant: Participant) -> str:
    """One row per fact: section, item, detail, value, in plain words and local time.

    Every cell goes through the formula guard, so a name like "=HYPERLINK(...)"
    is text in a spreadsheet, never a formula.
    """
    zone = participant.organisation.zone
    rows: list[list[str]] = []
    for section, data in data_export(participant).items():
        if isinstance(data, list):
            for number, record in enumerate(data, start=1):
                rows.extend(_csv_rows(section, str(number), record, zone))
        else:
            rows.extend(_csv_rows(section, "", data, zone))
    return csv_text(["Section", "Item", "Detail", "Value"], rows)


@transaction.atomic
def data_export_file(*, participant: Participant, by: User, fmt: str, on_request: str = "") -> str:
    """Return the whole export as CSV or JSON; a download by staff is logged first.

    The log row is in the same transaction as the read, so staff never take
    a copy the person cannot see on "Who has looked".
    """
    if fmt not in FORMATS:
        raise ValidationError({"fmt": "Choose a spreadsheet (CSV) or JSON."})
    services.access_log_record(
        participant=participant, viewer=by, kind=FORMATS[fmt], on_request=on_request
    )
    return data_export_csv(participant) if fmt == "csv" else data_export_json(participant)


@transaction.atomic
def participant_erase(
    *, participant: Participant, by: User | None, on_request: str = ""
) -> Participant:
    """Remove or anonymise the person's data everywhere; keep what law requires.

    The participant row stays as an anonymous "Former member" with a
    pseudonym, so counts and (later) payment records still add up. Their
    login goes too, unless it also serves a staff or funder role. Staff
    erase only on the person's request, written down in `on_request`; that
    record outlives the erasure, as the one row left in their access log.
    """
    by_staff = by is not None and by.pk != participant.user_id
    if by_staff and not on_request.strip():
        raise ValidationError({"on_request": "Write down what they asked for, and when."})
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.erased_at:
        return participant
    for holder in HOLDERS:
        if holder.erase:
            holder.erase(participant)
    participant.refresh_from_db()
    participant.pseudonym = participant.pseudonym or f"P-{secrets.token_hex(4).upper()}"
    participant.erased_at = timezone.now()
    participant.save(update_fields=["pseudonym", "erased_at", "updated_at"])
    if by_staff and by is not None:
        services.access_log_record(
            participant=participant, viewer=by, kind=AccessLog.Kind.ERASURE, on_request=on_request
        )
    return participant


# --- What the participants app itself holds ------------------------------------

PROFILE_FIELDS = [
    *services.CONTACT_FIELDS,
    *services.CREDIT_FIELDS,
    *Participant.COMMUNICATION_FIELDS,
    "assets_in_own_words",
    "contribute_areas",
    *Participant.PRIVATE_FIELDS,
]


def export_profile(participant):
    choice_labels = {
        "meeting_times": dict(MeetingTime.choices),
        "contact_times": dict(ContactTime.choices),
        "contribute_areas": dict(CONTRIBUTE_AREAS),
    }
    data = {"organisation": participant.organisation.name}
    for name in PROFILE_FIELDS:
        field = Participant._meta.get_field(name)
        if field.choices:
            data[name] = getattr(participant, f"get_{name}_display")()
        elif name in choice_labels:
            labels = choice_labels[name]
            data[name] = [labels.get(code, code) for code in getattr(participant, name) or []]
        else:
            data[name] = getattr(participant, name)
    data["phone"] = phone_for_display(participant.phone)
    data["assets"] = [f"{tag.get_kind_display()}: {tag.name}" for tag in participant.assets.all()]
    data["login_email"] = participant.user.email if participant.user_id else None
    return data


def export_memberships(participant):
    return [
        {
            "project": m.project.title,
            "status": m.get_status_display(),
            "roles": [role.name for role in m.roles.all()],
            "check_in_on": m.check_in_on,
            "since": m.created_at,
        }
        for m in participant.memberships.select_related("project")
    ]


def export_consents(participant):
    return [
        {
            "topic": r.wording.get_topic_display(),
            "wording_version": r.wording.version,
            "answer": "yes" if r.given else "no",
            "when": r.created_at,
            "recorded_on_your_behalf": r.on_behalf,
        }
        for r in ConsentRecord.objects.filter(participant=participant).select_related("wording")
    ]


def export_access_log(participant):
    return [
        {
            "who": e.viewer_name,
            "when": e.created_at,
            "what": e.get_kind_display(),
            "what_they_noted_you_asked_for": e.on_request,
        }
        for e in AccessLog.objects.filter(participant=participant)
    ]


def erase_profile(participant):
    blank = {name: Participant._meta.get_field(name).get_default() for name in PROFILE_FIELDS}
    blank["preferred_name"] = "Former member"
    blank["credit_as"] = Participant.Credit.ANONYMOUS
    blank["contribute_areas"] = []
    Participant.objects.filter(pk=participant.pk).update(**blank)
    participant.assets.clear()
    user = participant.user
    Participant.objects.filter(pk=participant.pk).update(user=None)
    # update() sends no signal: the login's navigation loses "My next things" here.
    access_changed(user_id=participant.user_id)
    if user is not None and not (
        user.staff_memberships.exists()
        or user.funder_grants.exists()
        or user.participant_profiles.exclude(pk=participant.pk).exists()
    ):
        user.delete()


def erase_memberships(participant):
    participant.memberships.update(status=ProjectMembership.Status.LEFT, check_in_on=None)


def erase_consents_and_log(participant):
    ConsentRecord.objects.filter(participant=participant).delete()
    AccessLog.objects.filter(participant=participant).delete()


register(section="profile", export=export_profile, erase=erase_profile)
register(section="projects", export=export_memberships, erase=erase_memberships)
register(section="consent", export=export_consents, erase=erase_consents_and_log)
register(section="who_has_looked", export=export_access_log)
