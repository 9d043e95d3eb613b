"""A person's data rights: download everything we hold, or have it erased.

Each app registers what it holds about a participant. Later apps add theirs
the same way (payments must keep amounts, dates and the pseudonym that tax
law requires, and remove the rest), so erasure reaches everywhere:

    from participants.data_rights import register
    register(section="payments", export=my_export, erase=my_erase)
"""

import csv
import io
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from participants.models import AccessLog, ConsentRecord, Participant


@dataclass(frozen=True)
class Holder:
    section: str
    export: Callable  # (participant) -> JSON-able data
    erase: Callable | None  # (participant) -> None, inside the erasure transaction


HOLDERS: list[Holder] = []


def register(*, section: str, export: Callable, erase: Callable | None = None) -> None:
    """Add an app's part of a person's data (once per section)."""
    if any(holder.section == section for holder in HOLDERS):
        return
    HOLDERS.append(Holder(section, export, erase))


def data_export(participant: Participant) -> dict:
    """Everything every app holds about the person, section by section."""
    ordered = sorted(HOLDERS, key=lambda holder: holder.section != "profile")
    return {holder.section: holder.export(participant) for holder in ordered}


def data_export_json(participant: Participant) -> str:
    return json.dumps(data_export(participant), indent=2, ensure_ascii=False, default=str)


def data_export_csv(participant: Participant) -> str:
    """One row per fact: section, item, field, value (a spreadsheet opens it as it is)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "field", "value"])
    for section, data in data_export(participant).items():
        rows = data if isinstance(data, list) else [data]
        for number, row in enumerate(rows, start=1):
            for field, value in row.items():
                if isinstance(value, list):
                    value = "; ".join(str(v) for v in value)
                writer.writerow([section, number, field, "" if value is None else value])
    return out.getvalue()


@transaction.atomic
def participant_erase(*, participant: Participant, by) -> Participant:
    """Remove or anonymise the person's data everywhere; keep what law requires.

    The participant row stays as an anonymous "Former member" with a
    pseudonym, so counts and (later) payment records still add up. Their
    login goes too, unless it also serves a staff or funder role.
    """
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
    return participant


# --- What the participants app itself holds ------------------------------------

PROFILE_FIELDS = [
    "preferred_name",
    "full_name",
    "pronouns",
    "email",
    "phone",
    "postal_address",
    "preferred_channel",
    "best_times",
    "credit_as",
    "self_description",
    *Participant.COMMUNICATION_FIELDS,
    "assets_in_own_words",
    "contribute_areas",
    *Participant.PRIVATE_FIELDS,
]


def export_profile(participant):
    data = {"organisation": participant.organisation.name}
    data |= {name: getattr(participant, name) for name in PROFILE_FIELDS}
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
        {"who": e.viewer_name, "when": e.created_at, "what": e.what}
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
    if user is not None and not (
        user.staff_memberships.exists()
        or user.funder_grants.exists()
        or user.participant_profiles.exclude(pk=participant.pk).exists()
    ):
        user.delete()


def erase_memberships(participant):
    participant.memberships.update(status="left", check_in_on=None)


def erase_consents_and_log(participant):
    ConsentRecord.objects.filter(participant=participant).delete()
    AccessLog.objects.filter(participant=participant).delete()


register(section="profile", export=export_profile, erase=erase_profile)
register(section="projects", export=export_memberships, erase=erase_memberships)
register(section="consent", export=export_consents, erase=erase_consents_and_log)
register(section="who_looked_at_private_notes", export=export_access_log)
