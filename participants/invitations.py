"""Inviting people: create, send, find by link or code, accept, and add on someone's behalf."""

import datetime
import hashlib
import hmac
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coprod.throttles import Limit
from participants.models import ConsentTopic, Invitation, Participant, ProjectMembership
from participants.phones import phone_normalise
from participants.services import (
    consent_record,
    members_changed,
    membership_add,
    profile_update_communication,
    profile_update_contact,
)

INVITATION_LIFETIME = datetime.timedelta(days=14)
CODE_LENGTH = 6

# How many wrong tries anyone gets. A code is typed with the email or phone
# number it was sent to, so one invitation can be guessed at most
# WRONG_CODES_BEFORE_LOCK times (odds 5 in a million) before its code stops
# working for good; the cache limits below slow down guessing across many
# invitations, from one browser, one address, or the whole internet at once.
WRONG_CODES_BEFORE_LOCK = 5
WRONG_CODES_PER_CONTACT = Limit(
    "join-contact", WRONG_CODES_BEFORE_LOCK, int(INVITATION_LIFETIME.total_seconds())
)
WRONG_CODES_PER_SESSION = Limit("join-session", 10, 60 * 60)
WRONG_CODES_PER_IP = Limit("join-ip", 20, 60 * 60)
WRONG_CODES_SITE_WIDE = Limit("join-site", 200, 60 * 60)
# Links carry 256 random bits: nobody guesses one, but nobody gets to try either.
WRONG_LINKS_PER_SESSION = Limit("invitation-link-session", 10, 60 * 60)
WRONG_LINKS_PER_IP = Limit("invitation-link-ip", 20, 60 * 60)

LOCKED = "Too many wrong codes. Ask the person who invited you for a new one."
WRONG_CODE = (
    "That code does not match. Check the 6 numbers, and the email or mobile number the "
    "invitation was sent to."
)
TOO_MANY_HERE = (
    "Too many wrong codes have been typed here. Wait an hour and try again, or use the "
    "link in your invitation. Ask the person who invited you if you need help."
)
TOO_MANY_EVERYWHERE = (
    "Too many wrong codes have been typed on Coprod in the last hour. Wait an hour and try "
    "again, or use the link in your invitation."
)
TOO_MANY_LINKS = (
    "Too many invitation links that do not work have been opened here. Wait an hour, then "
    "open the link from your invitation again."
)


def code_digest(code: str) -> str:
    """A keyed hash of a code, so a stolen database does not give working codes."""
    normalised = "".join(ch for ch in code if ch in "0123456789")
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"invitation:{normalised}".encode(), hashlib.sha256).hexdigest()


def link_token_hash(token: str) -> str:
    """The hash of a link's secret: only this is stored (the secret has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(invitation: Invitation) -> None:
    # The link exists only on this object, to be sent or shown now.
    token = secrets.token_urlsafe(32)
    invitation.token_hash = link_token_hash(token)
    invitation.link = reverse("participants:accept", kwargs={"token": token})


def _new_code() -> tuple[str, str]:
    for _ in range(20):
        code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
        digest = code_digest(code)
        if not Invitation.objects.filter(code_digest=digest).exists():
            return code, digest
    raise RuntimeError("Could not find a free invitation code.")


def open_invitations():
    now = timezone.now()
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )


@transaction.atomic
def invitation_create(
    *, organisation, by, preferred_name: str, email: str = "", phone: str = "", project=None
) -> tuple[Invitation, str]:
    """Invite someone by email or phone. Returns the invitation and its code (shown once).

    The invitation's `link` is set on the returned object only: the database
    keeps hashes of the link's secret and of the code, never either itself.
    """
    errors: dict[str, str | list[str]] = {}
    preferred_name = (preferred_name or "").strip()
    email = (email or "").strip().lower()
    if not preferred_name:
        errors["preferred_name"] = "Tell us what to call them."
    try:
        phone = phone_normalise(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if not email and not phone and "phone" not in errors:
        errors["email"] = "Give an email address or a mobile number, so they can accept."
    if project is not None and project.organisation_id != organisation.pk:
        errors["project"] = "Choose one of your organisation's projects."
    if errors:
        raise ValidationError(errors)
    same = Q(email=email) if email else Q(pk__in=[])
    if phone:
        same |= Q(phone=phone)
    if open_invitations().filter(same, participant__organisation=organisation).exists():
        raise ValidationError(
            {
                "email" if email else "phone": "This person already has an invitation waiting. "
                "You can find it in the people list and send it again."
            }
        )
    if (
        email
        and Participant.objects.filter(
            organisation=organisation, user__email__iexact=email
        ).exists()
    ):
        raise ValidationError(
            {"email": "Someone with this email is already part of your organisation."}
        )

    participant = Participant.objects.create(
        organisation=organisation,
        preferred_name=preferred_name,
        email=email,
        phone=phone,
        preferred_channel=Participant.Channel.EMAIL if email else Participant.Channel.SMS,
    )
    if project is not None:
        membership_add(
            participant=participant, project=project, by=by, status=ProjectMembership.Status.INVITED
        )
    code, digest = _new_code()
    invitation = Invitation(
        participant=participant,
        project=project,
        email=email,
        phone=phone,
        code_digest=digest,
        created_by=by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    _new_link(invitation)
    invitation.save()
    if email:
        transaction.on_commit(lambda: _send_invitation_email(invitation, code))
    return invitation, code


def _send_invitation_email(invitation: Invitation, code: str) -> None:
    context = {"invitation": invitation, "code": code, "base_url": settings.COPROD_BASE_URL}
    send_mail(
        subject=f"You are invited to take part with {invitation.participant.organisation.name}",
        message=render_to_string("participants/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_find(*, token: str) -> Invitation:
    """Find an invitation by its link, or say plainly why it cannot be used."""
    invitation = (
        Invitation.objects.filter(token_hash=link_token_hash(token))
        .select_related("participant")
        .first()
        if token
        else None
    )
    if invitation is None:
        raise ValidationError(
            "We cannot find that invitation. Check the code or link, or ask your coordinator.",
            code="not_found",
        )
    return _still_open(invitation)


def _still_open(invitation: Invitation) -> Invitation:
    if invitation.accepted_at:
        raise ValidationError(
            "This invitation has already been used. If that was you, log in instead.",
            code="used",
        )
    if invitation.revoked_at:
        raise ValidationError(
            "This invitation was cancelled. Ask your coordinator for a new one.", code="revoked"
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            "This invitation has run out. Ask your coordinator to send a new one.",
            code="expired",
        )
    return invitation


def contact_normalise(contact: str) -> str:
    """Return an email address in lower case or a phone number in international form."""
    contact = (contact or "").strip()
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError as error:
            raise ValidationError(
                "This does not look like an email address. Check it, or type your mobile "
                "number instead."
            ) from error
        return contact.lower()
    return phone_normalise(contact)


def invitation_find_by_code(*, contact: str, code: str, ip: str, session: str) -> Invitation:
    """Find the invitation sent to `contact` whose code is `code`, counting wrong codes.

    Security: a code is only looked up among the invitations sent to the
    email or phone number typed with it, so each wrong code counts against
    those invitations and locks them after WRONG_CODES_BEFORE_LOCK (in the
    database, so a cache flush does not undo it). A locked code is refused
    even when it is right. Wrong codes also count per browser session, per
    client address and site-wide (in the cache); once any of those is used
    up, nothing is looked up at all. `contact` must be normalised already.
    """
    # Counted per contact in the cache too, so a contact with no invitation
    # answers exactly as one with a locked invitation does. Checked first so
    # that someone who mistyped five times is told what to do about it.
    if WRONG_CODES_PER_CONTACT.is_blocked(contact):
        raise ValidationError(LOCKED, code="locked")
    clients = [
        (WRONG_CODES_PER_SESSION, session, TOO_MANY_HERE),
        (WRONG_CODES_PER_IP, ip, TOO_MANY_HERE),
        (WRONG_CODES_SITE_WIDE, "all", TOO_MANY_EVERYWHERE),
    ]
    for limit, key, message in clients:
        if limit.is_blocked(key):
            raise ValidationError(message, code="throttled")
    digest = code_digest(code)
    sent_there = list(
        Invitation.objects.filter(Q(email=contact) | Q(phone=contact)).select_related("participant")
    )
    invitation = next(
        (each for each in sent_there if hmac.compare_digest(each.code_digest, digest)), None
    )
    if invitation is None:
        for limit, key, _ in clients:
            limit.fail(key)
        WRONG_CODES_PER_CONTACT.fail(contact)
        invitation_wrong_code_record(invitations=sent_there)
        raise ValidationError(WRONG_CODE, code="wrong")
    if invitation.code_locked_at is not None:
        raise ValidationError(LOCKED, code="locked")
    return _still_open(invitation)


@transaction.atomic
def invitation_wrong_code_record(*, invitations: list[Invitation]) -> None:
    """Count a wrong code against each open invitation; lock those that reach the limit."""
    now = timezone.now()
    open_ones = Invitation.objects.filter(
        pk__in=[each.pk for each in invitations],
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
        code_locked_at__isnull=True,
    )
    open_ids = list(open_ones.values_list("pk", flat=True))
    Invitation.objects.filter(pk__in=open_ids).update(wrong_codes=F("wrong_codes") + 1)
    Invitation.objects.filter(pk__in=open_ids, wrong_codes__gte=WRONG_CODES_BEFORE_LOCK).update(
        code_locked_at=now
    )


@transaction.atomic
def invitation_link_issue(*, invitation: Invitation) -> Invitation:
    """Give the invitation a new link (on the returned object); the old link stops working.

    Called once someone has typed the right code, to take them on to the
    accept page: the emailed link is replaced by this one.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _new_link(invitation)
    invitation.save(update_fields=["token_hash", "updated_at"])
    return invitation


@transaction.atomic
def invitation_code_renew(*, invitation: Invitation, by) -> tuple[Invitation, str]:
    """Give a waiting invitation a new code, a new link and 14 more days; the old ones stop.

    This is how a coordinator unlocks an invitation locked by wrong codes, or
    renews one that ran out. Returns the invitation (with its new `link`) and
    its new code, both shown once.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation has been accepted: they can log in.")
    if invitation.revoked_at:
        raise ValidationError("This invitation was cancelled.")
    code, invitation.code_digest = _new_code()
    _new_link(invitation)
    invitation.wrong_codes = 0
    invitation.code_locked_at = None
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.save(
        update_fields=[
            "code_digest",
            "token_hash",
            "wrong_codes",
            "code_locked_at",
            "expires_at",
            "updated_at",
        ]
    )
    for contact in (invitation.email, invitation.phone):
        if contact:
            WRONG_CODES_PER_CONTACT.clear(contact)
    if invitation.email:
        transaction.on_commit(lambda: _send_invitation_email(invitation, code))
    return invitation, code


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user=None,
    email: str = "",
    preferred_name: str = "",
    may_contact: bool | None = None,
    preferred_channel: str = "",
    phone: str = "",
    postal_address: str = "",
    contact_times: list[str] | None = None,
):
    """Accept: link (or create) a login without a password, and join the project.

    A logged-in person accepts with their own login. Otherwise a new login is
    made for `email`; an email that already has a login must log in first.
    Joining asks whether we may contact them (`may_contact`, no default) and
    how: a yes or a no is recorded as consent, exactly as on the consent page,
    before they are added to meetings, so the invitations planned for them
    then follow their answer. With a yes, the chosen way must be reachable
    (a text needs a mobile number, an email an address). `email` is also the
    address we email when they are already logged in or were invited by phone.
    """

    if may_contact is None:
        raise ValidationError({"may_contact": "Tell us if we may contact you: choose yes or no."})
    if may_contact and preferred_channel == Participant.Channel.NONE:
        raise ValidationError({"preferred_channel": "Choose how we may contact you."})
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _still_open(invitation)
    participant = invitation.participant
    User = get_user_model()
    email = (email or "").strip().lower()
    login_email = email or invitation.email
    if user is None or not user.is_authenticated:
        if not login_email:
            raise ValidationError({"email": "Give your email address: we send login codes to it."})
        if User.objects.filter(email__iexact=login_email).exists():
            raise ValidationError(
                {
                    "email": "This email already has a Coprod login. Log in first, then open "
                    "your invitation again."
                }
            )
        user = User.objects.create_user(
            email=login_email,
            password=None,
            display_name=preferred_name or participant.preferred_name,
        )
        EmailAddress.objects.create(user=user, email=login_email, primary=True, verified=True)
    if (
        Participant.objects.filter(organisation=participant.organisation, user=user)
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(
            "You are already part of this organisation. Log in to see your projects."
        )
    participant.user = user
    if preferred_name.strip():
        participant.preferred_name = preferred_name.strip()
    participant.email = email or participant.email
    participant.save(update_fields=["user", "preferred_name", "email", "updated_at"])
    if may_contact:
        profile_update_contact(
            participant=participant,
            by=user,
            preferred_name=participant.preferred_name,
            full_name=participant.full_name,
            pronouns=participant.pronouns,
            email=participant.email,
            phone=phone,
            postal_address=postal_address,
            preferred_channel=preferred_channel or participant.preferred_channel,
            best_times=participant.best_times,
        )
        profile_update_communication(
            participant=participant, by=user, contact_times=list(contact_times or [])
        )
    consent_record(participant=participant, topic=ConsentTopic.CONTACT, given=may_contact, by=user)
    joining = participant.memberships.filter(status=ProjectMembership.Status.INVITED)
    project_ids = list(joining.values_list("project_id", flat=True))
    joining.update(status=ProjectMembership.Status.ACTIVE, status_changed_on=timezone.localdate())
    for project_id in project_ids:
        members_changed(project_id=project_id)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    return user, participant


@transaction.atomic
def participant_add_on_behalf(
    *,
    organisation,
    by,
    preferred_name: str,
    consented: bool,
    phone: str = "",
    postal_address: str = "",
    project=None,
) -> Participant:
    """Add someone who will not log in; staff run their participation, with their consent."""

    if not consented:
        raise ValidationError({"consented": "Only add someone who has agreed to this."})
    preferred_name = (preferred_name or "").strip()
    if not preferred_name:
        raise ValidationError({"preferred_name": "Tell us what to call them."})
    phone = phone_normalise(phone)
    if project is not None and project.organisation_id != organisation.pk:
        raise ValidationError({"project": "Choose one of your organisation's projects."})
    channel = (
        Participant.Channel.PHONE_CALL
        if phone
        else (Participant.Channel.POST if postal_address.strip() else Participant.Channel.NONE)
    )
    participant = Participant.objects.create(
        organisation=organisation,
        preferred_name=preferred_name,
        phone=phone,
        postal_address=postal_address.strip(),
        preferred_channel=channel,
    )
    if project is not None:
        membership_add(
            participant=participant, project=project, by=by, status=ProjectMembership.Status.ACTIVE
        )
    consent_record(
        participant=participant, topic=ConsentTopic.DATA_KEPT, given=True, by=by, on_behalf=True
    )
    if phone or postal_address.strip():
        consent_record(
            participant=participant, topic=ConsentTopic.CONTACT, given=True, by=by, on_behalf=True
        )
    return participant
