"""Turning an outbox row into words: plain language, essentials first, nothing private.

Each kind has two templates in templates/notifications/: `<kind>.txt` (an
email: the first line is the subject) and `<kind>.sms.txt` (a text, also
what a coordinator reads out on the phone). The context holds only what the
message needs: never access needs, notes or anything from private fields.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks, urlize

from coprod.notifications.models import Channel, Kind, Notification

MEETING_ATTACHMENT_KINDS = {
    Kind.MEETING_SCHEDULED,
    Kind.MEETING_MOVED,
    Kind.MEETING_CHANGED,
    Kind.REMINDER,
}


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


def _clock(local) -> str:
    """10:30am, 2pm: the way GOV.UK style writes times, with no full stops to trip on."""
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _when(moment, zone) -> str:
    local = moment.astimezone(zone)
    return f"{date_format(local, 'l j F')} at {_clock(local)}"


def _meeting_context(meeting) -> dict:
    zone = meeting.project.organisation.zone
    venue = meeting.venue if meeting.in_person else None
    return {
        "meeting": meeting,
        "when": _when(meeting.starts_at, zone),
        "ends": _clock(meeting.ends_at.astimezone(zone)),
        "venue": venue,
        "address": ", ".join(
            line.strip().rstrip(",") for line in venue.address.splitlines() if line.strip()
        )
        if venue
        else "",
        "agenda": [item.title for item in meeting.agenda.all()],
        "papers": list(meeting.papers.filter(removed_at__isnull=True)),
        "link": settings.COPROD_BASE_URL + meeting.get_absolute_url(),
        "contact": meeting.project.contact_for_members,
    }


def _context(notification: Notification) -> dict:
    about = notification.about
    person = notification.recipient_participant or notification.recipient_user
    name = (
        person.preferred_name if notification.recipient_participant_id else person.get_short_name()
    )
    context = {"name": name, "label": notification.label, "project": notification.project}
    if notification.kind in (Kind.MEETING_MOVED, Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED):
        zone = about.meeting.project.organisation.zone
        context |= _meeting_context(about.meeting)
        context["change"] = about
        if about.old_starts_at:
            context["old_when"] = _when(about.old_starts_at, zone)
    elif notification.kind == Kind.ACTION_DUE:
        context |= {
            "action": about,
            "due": date_format(about.due_on, "l j F"),
            "link": settings.COPROD_BASE_URL + about.meeting.get_absolute_url(),
            "meeting": about.meeting,
        }
    elif notification.kind in (Kind.PROMISE_DUE, Kind.PROMISE_OVERDUE):
        context |= {
            "contribution": about,
            "due": date_format(about.promised_update_on, "l j F"),
            "link": settings.COPROD_BASE_URL + about.get_absolute_url(),
        }
    elif notification.kind == Kind.PAYMENT_PAID:
        from payments.money import pounds

        context |= {
            "claim": about,
            "amount": pounds(about.amount_pence),
            "paid_on": date_format(about.paid_on, "l j F"),
            "link": settings.COPROD_BASE_URL
            + reverse("payments:statement", kwargs={"pk": about.participant_id}),
        }
    elif notification.kind == Kind.REPORT_ACCESS:
        context |= {
            "grant": about,
            "until": date_format(about.expires_on, "j F Y"),
            "organisation": about.project.organisation,
            "link": settings.COPROD_BASE_URL + reverse("reports:list"),
        }
    elif notification.kind == Kind.UPDATE_POSTED:
        context |= {
            "event": about,
            "contribution": about.contribution,
            "link": settings.COPROD_BASE_URL + about.contribution.get_absolute_url(),
        }
    else:
        context |= _meeting_context(about)
    return context


def render(notification: Notification) -> Rendered:
    """Return the subject, the email bodies, the text and any calendar file."""
    context = _context(notification)
    email = render_to_string(f"notifications/{notification.kind}.txt", context).strip()
    subject, _, text = email.partition("\n")
    text = text.strip() + "\n\nCoprod. Reply to this email or call your coordinator with questions."
    sms = " ".join(render_to_string(f"notifications/{notification.kind}.sms.txt", context).split())
    rendered = Rendered(
        subject=subject.strip()[:200],
        text=text,
        html=linebreaks(urlize(escape(text))),
        sms=sms,
    )
    if notification.kind in MEETING_ATTACHMENT_KINDS and notification.channel == Channel.EMAIL:
        from projects.meetings.calendar import calendar_for

        meeting = context["meeting"]
        rendered.attachments.append(
            (f"meeting-{meeting.pk}.ics", calendar_for([meeting]), "text/calendar")
        )
    return rendered
