"""The registry of every URL in Coprod: who may open it, and how the browser gate visits it.

One table feeds two gates:
- tests/test_permission_matrix.py asks every role for every page and checks
  the answer, and fails when a URL pattern has no row here;
- tests/browser/ opens every HTML page in Chromium and runs axe on it.

Adding a view? Add its row here, with the answer for every role.

Answers: 200 / 403 / 404 / 405, LOGIN (a redirect to the login page) or
REDIRECT (a redirect anywhere else).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import ROLES

LOGIN = "login"
REDIRECT = "redirect"
PHONE = "phone"
DESKTOP = "desktop"

STAFF = ("coordinator", "other_coordinator", "finance", "admin", "unnamed_coordinator")
LOGGED_IN = tuple(role for role in ROLES if role != "anonymous")
# People with a participant profile in A's project: Jo (member), Sam (co-lead), Ash.
MEMBERS = ("member", "co_lead", "other_member")
# Members without the lead: Jo and Ash.
PLAIN_MEMBERS = ("member", "other_member")
# Coordinators of organisation A, named on the project or not (an admin coordinates too).
A_COORDINATORS = ("coordinator", "admin", "unnamed_coordinator")


def answers(default, **by_role) -> dict:
    """Build a role -> answer mapping: `default` for every role not named."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    return {role: by_role.get(role, default) for role in ROLES}


def signed_in(answer, anonymous=LOGIN, **by_role) -> dict:
    """Anonymous people go to the login page; every logged-in role gets `answer`."""
    return answers(answer, anonymous=anonymous, **by_role)


def each(roles, answer) -> dict:
    """The same answer for each of `roles`, to spread into answers() or signed_in()."""
    return dict.fromkeys(roles, answer)


@dataclass(frozen=True)
class Page:
    name: str
    expect: dict
    kwargs: Callable = field(default=lambda world: {})
    html: bool = True
    device: str = DESKTOP
    edit: bool = False
    # The browser gate opens the page as the first role answered 200, unless
    # `journey` names the browser test that reaches it (pages that need state
    # built by earlier steps, such as "enter the code we emailed you").
    journey: str = ""
    browser_role: str = ""
    # Action URLs answer POST only; the matrix posts `data(world)` to them.
    method: str = "get"
    data: Callable = field(default=lambda world: {})
    # Roles whose answer in `expect` is the one a privacy fix under way will
    # give, with the fix named: the matrix expects them to be wrong until it
    # lands, then fails to say the entry can go.
    pending: dict = field(default_factory=dict)

    def role_for_browser(self):
        if self.browser_role:
            return self.browser_role
        return next((role for role in ROLES if self.expect[role] == 200), None)


TWO_STEP = "test_staff_sets_up_two_step_login"


def project_pk(world):
    return {"pk": world.project.pk}


def member_profile(world):
    return {"pk": world.membership.participant.pk}


def jo_record(world):
    return {"participant_pk": world.membership.participant.pk}


def offline_person(world):
    return {"pk": world.offline.pk}


def agreed_value(world):
    return {"pk": world.project.pk, "value_pk": world.agreed_value.pk}


def proposed_value(world):
    return {"pk": world.project.pk, "value_pk": world.proposed_value.pk}


def meeting(world):
    return {"pk": world.project.pk, "meeting_pk": world.meeting.pk}


def past_meeting(world):
    return {"pk": world.project.pk, "meeting_pk": world.past_meeting.pk}


def promise(world):
    return {"pk": world.project.pk, "promise_pk": world.contribution.pk}


def review(world):
    return {"pk": world.project.pk, "review_pk": world.review.pk}


def story(world):
    return {"pk": world.project.pk, "story_pk": world.story.pk}


def story_quote(world):
    return {**story(world), "quote_pk": world.story_quote.pk}


def paper(world):
    return {**meeting(world), "paper_pk": world.paper.pk}


# Project pages: staff of another organisation, funders and strangers get 404,
# exactly as for a project that does not exist.
OUTSIDERS = {"other_coordinator": 404, "funder": 404, "no_role": 404}
# Running the project: coordinators, admins and co-leads; not finance, not
# ordinary members.
LEADS_ONLY = {**OUTSIDERS, **each(PLAIN_MEMBERS, 403), "finance": 403}
# Staff work on a project (answers taken, attendance): its organisation's
# coordinators and admins only; not co-leads, finance or members.
COORDINATORS_ONLY = {**LEADS_ONLY, "co_lead": 403}
# A member's own pages: people with a participant profile.
MEMBERS_ONLY = each(MEMBERS, 200)
# Anyone who coordinates an organisation (the venue library, the people list).
ANY_COORDINATOR = {**each(A_COORDINATORS, 200), "other_coordinator": 200}
VENUE_KEEPERS = ANY_COORDINATOR


PAGES = [
    # --- Coprod's own pages -------------------------------------------------
    Page("home", answers(REDIRECT, anonymous=LOGIN, no_role=200), browser_role="no_role"),
    Page("healthz", answers(200), html=False),
    Page(
        "accounts:dashboard",
        signed_in(200, **each(MEMBERS, 403), funder=403, no_role=403),
    ),
    # Every project of the dashboard's organisations, a page at a time: the same people.
    Page("projects:list", signed_in(200, **each(MEMBERS, 403), funder=403, no_role=403)),
    Page("accounts:account", signed_in(200), device=PHONE, browser_role="member"),
    Page(
        "projects:create",
        signed_in(200, **each(MEMBERS, 403), finance=403, funder=403, no_role=403),
        edit=True,
    ),
    Page(
        "projects:detail",
        signed_in(200, **OUTSIDERS),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    Page("projects:update", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    Page("projects:edit_purpose", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    Page("projects:edit_ways", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    Page("projects:phases", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    Page("projects:values", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    Page(
        "projects:value_propose",
        signed_in(200, **OUTSIDERS, finance=403),
        kwargs=project_pk,
        edit=True,
        device=PHONE,
        browser_role="member",
    ),
    Page(
        "projects:value_revise",
        signed_in(200, **LEADS_ONLY),
        kwargs=agreed_value,
        edit=True,
    ),
    Page(
        "projects:value_agree",
        signed_in(REDIRECT, **LEADS_ONLY),
        kwargs=proposed_value,
        html=False,
        edit=True,
        method="post",
        data=lambda world: {"agreed_on": "2026-01-15"},
    ),
    Page(
        "projects:value_retire",
        signed_in(REDIRECT, **LEADS_ONLY),
        kwargs=agreed_value,
        html=False,
        edit=True,
        method="post",
    ),
    # Endorsing is for the project's own members, never for staff.
    Page(
        "projects:value_endorse",
        signed_in(403, **OUTSIDERS, **each(MEMBERS, REDIRECT)),
        kwargs=agreed_value,
        html=False,
        method="post",
        data=lambda world: {"action": "endorse"},
    ),
    Page(
        "projects:ladder",
        signed_in(200, **OUTSIDERS),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    # --- Meetings -------------------------------------------------------------
    Page(
        "projects:meetings",
        signed_in(200, **OUTSIDERS),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    Page("projects:meeting_create", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    Page(
        "projects:meeting",
        signed_in(200, **OUTSIDERS),
        kwargs=meeting,
        device=PHONE,
        browser_role="member",
    ),
    Page("projects:meeting_update", signed_in(200, **LEADS_ONLY), kwargs=meeting, edit=True),
    Page("projects:meeting_cancel", signed_in(200, **LEADS_ONLY), kwargs=meeting, edit=True),
    Page("projects:meeting_agenda", signed_in(200, **LEADS_ONLY), kwargs=meeting, edit=True),
    Page("projects:meeting_papers", signed_in(200, **LEADS_ONLY), kwargs=meeting, edit=True),
    Page(
        "projects:meeting_papers_ready",
        signed_in(REDIRECT, **LEADS_ONLY),
        kwargs=meeting,
        html=False,
        method="post",
    ),
    Page("projects:meeting_paper", signed_in(200, **OUTSIDERS), kwargs=paper, html=False),
    Page(
        "projects:meeting_paper_remove",
        signed_in(REDIRECT, **LEADS_ONLY),
        kwargs=paper,
        html=False,
        method="post",
    ),
    # Answering is for the project's own people; staff record answers for them.
    Page(
        "projects:meeting_rsvp",
        signed_in(403, **OUTSIDERS, **MEMBERS_ONLY),
        kwargs=meeting,
        device=PHONE,
        edit=True,
    ),
    Page(
        "projects:meeting_replies",
        signed_in(200, **COORDINATORS_ONLY),
        kwargs=meeting,
        edit=True,
    ),
    Page(
        "projects:meeting_attendance",
        signed_in(200, **COORDINATORS_ONLY),
        kwargs=past_meeting,
        edit=True,
    ),
    Page("projects:meeting_notes", signed_in(200, **LEADS_ONLY), kwargs=past_meeting, edit=True),
    Page("projects:meeting_ics", signed_in(200, **OUTSIDERS), kwargs=meeting, html=False),
    # The action belongs to the member; leads may mark it done too. Another
    # member sees it on the meeting page but may not tick it off.
    Page(
        "projects:action_done",
        signed_in(REDIRECT, **OUTSIDERS, finance=403, other_member=403),
        kwargs=lambda world: {"pk": world.action.pk},
        html=False,
        method="post",
    ),
    Page("projects:my_meetings", signed_in(403, **MEMBERS_ONLY), device=PHONE),
    Page("projects:calendar_link", signed_in(403, **MEMBERS_ONLY), device=PHONE, edit=True),
    # The secret in the address is the key: no login, for calendar apps.
    Page(
        "projects:calendar_feed",
        answers(200),
        kwargs=lambda world: {"token": world.feed_token},
        html=False,
    ),
    # --- You said, we did ------------------------------------------------------
    Page(
        "projects:promises",
        signed_in(200, **OUTSIDERS),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    Page("projects:promise_create", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    # A member's own point: anyone with a place in the project (staff write
    # points down on "promise_create" instead).
    Page(
        "projects:point_raise",
        signed_in(403, **OUTSIDERS, **each(MEMBERS, 200)),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
    ),
    Page(
        "projects:promise",
        signed_in(200, **OUTSIDERS),
        kwargs=promise,
        device=PHONE,
        browser_role="member",
    ),
    # The organisation answers (its coordinators); co-leads and members with
    # the "posts updates" power report back.
    Page(
        "projects:promise_respond",
        signed_in(200, **COORDINATORS_ONLY),
        kwargs=promise,
        edit=True,
    ),
    Page("projects:promise_update", signed_in(200, **LEADS_ONLY), kwargs=promise, edit=True),
    # --- Reviews and the pulse ---------------------------------------------
    # The group's own: not finance (nor people who left).
    Page(
        "projects:reviews",
        signed_in(200, **OUTSIDERS, finance=403),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    # Co-leads plan reviews from their phones too.
    Page(
        "projects:review_create",
        signed_in(200, **LEADS_ONLY),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    Page(
        "projects:review_questions",
        signed_in(200, **LEADS_ONLY),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    Page(
        "projects:review_question",
        signed_in(200, **LEADS_ONLY),
        kwargs=lambda world: {"pk": world.project.pk, "question_pk": world.review_question.pk},
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    Page(
        "projects:review",
        signed_in(200, **OUTSIDERS, finance=403),
        kwargs=review,
        device=PHONE,
        browser_role="member",
    ),
    # Members answer as themselves; the organisation's coordinators give its
    # answer beside them. Co-leads answer as members.
    Page(
        "projects:review_answer",
        signed_in(403, **OUTSIDERS, **MEMBERS_ONLY, **each(A_COORDINATORS, 200)),
        kwargs=lambda world: {**review(world), "number": 1},
        device=PHONE,
        edit=True,
        browser_role="member",
    ),
    Page(
        "projects:review_close",
        signed_in(REDIRECT, **LEADS_ONLY),
        kwargs=review,
        html=False,
        method="post",
    ),
    Page(
        "projects:review_change",
        signed_in(200, **LEADS_ONLY),
        kwargs=review,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    Page(
        "projects:meeting_pulse",
        signed_in(403, **OUTSIDERS, **MEMBERS_ONLY),
        kwargs=past_meeting,
        device=PHONE,
        edit=True,
    ),
    # --- Stories ----------------------------------------------------------------
    # The group's (not finance). Jo's story: Jo alone chooses where it goes and
    # approves its quotes; its leads (and peer reporters) curate it; a
    # coordinator can take it back for Jo. Anyone else who may not act on a
    # story learns nothing about it (404).
    Page(
        "projects:stories",
        signed_in(200, **OUTSIDERS, finance=403),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    Page(
        "projects:story_create",
        signed_in(200, **OUTSIDERS, finance=403),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
        browser_role="member",
    ),
    Page(
        "projects:story_ask",
        signed_in(200, **LEADS_ONLY),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    Page(
        "projects:story",
        signed_in(200, **OUTSIDERS, finance=404),
        kwargs=story,
        device=PHONE,
        browser_role="member",
    ),
    Page(
        "projects:story_file",
        signed_in(200, **OUTSIDERS, finance=404),
        kwargs=story,
        html=False,
    ),
    Page(
        "projects:story_choices",
        signed_in(404, member=200),
        kwargs=story,
        device=PHONE,
        edit=True,
    ),
    Page(
        "projects:story_curate",
        signed_in(404, **each(A_COORDINATORS, 200), co_lead=200),
        kwargs=story,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    Page(
        "projects:story_quote",
        signed_in(404, **each(A_COORDINATORS, 200), co_lead=200, member=200),
        kwargs=story,
        device=PHONE,
        edit=True,
        browser_role="member",
    ),
    Page(
        "projects:story_quote_approve",
        signed_in(404, member=REDIRECT),
        kwargs=story_quote,
        html=False,
        method="post",
    ),
    Page(
        "projects:story_quote_remove",
        signed_in(404, **each(A_COORDINATORS, REDIRECT), co_lead=REDIRECT, member=REDIRECT),
        kwargs=story_quote,
        html=False,
        method="post",
    ),
    Page(
        "projects:story_withdraw",
        signed_in(404, **each(A_COORDINATORS, REDIRECT), member=REDIRECT),
        kwargs=story,
        html=False,
        method="post",
    ),
    Page(
        "projects:story_share_again",
        signed_in(404, member=REDIRECT),
        kwargs=story,
        html=False,
        method="post",
    ),
    # --- Credit and ending well -----------------------------------------------
    Page(
        "projects:achieved",
        signed_in(200, **OUTSIDERS),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    Page(
        "projects:milestone_create",
        signed_in(200, **LEADS_ONLY),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    # Closing is the organisation's step: its coordinators give every last answer.
    Page("projects:close", signed_in(200, **COORDINATORS_ONLY), kwargs=project_pk, edit=True),
    Page(
        "projects:close_point",
        signed_in(200, **COORDINATORS_ONLY),
        kwargs=lambda world: {"pk": world.project.pk, "point_pk": world.contribution.pk},
        edit=True,
    ),
    Page(
        "projects:public_edit",
        signed_in(200, **LEADS_ONLY),
        kwargs=project_pk,
        device=PHONE,
        edit=True,
        browser_role="co_lead",
    ),
    # Published: anyone, no login. (An unpublished page is "not found" for everyone:
    # tests/projects/test_ending.py.)
    Page(
        "projects:public_page",
        answers(200),
        kwargs=lambda world: {"slug": world.public_page.slug},
        device=PHONE,
        browser_role="anonymous",
    ),
    # Jo's record: Jo, and the coordinators of Jo's organisation (who sign it off).
    Page(
        "projects:record",
        signed_in(404, member=200, **each(A_COORDINATORS, 200)),
        kwargs=jo_record,
        device=PHONE,
        browser_role="member",
    ),
    Page(
        "projects:record_pdf",
        signed_in(404, member=200, **each(A_COORDINATORS, 200)),
        kwargs=jo_record,
        html=False,
    ),
    Page(
        "projects:record_sign_off",
        signed_in(404, **each(A_COORDINATORS, 200)),
        kwargs=jo_record,
        edit=True,
    ),
    # A chat or check-in is the organisation's coordinators' to mark done.
    Page(
        "projects:task_done",
        signed_in(403, **OUTSIDERS, **each(A_COORDINATORS, REDIRECT)),
        kwargs=lambda world: {"pk": world.chat.pk},
        html=False,
        method="post",
    ),
    # --- Messages (the outbox) ----------------------------------------------
    Page("outbox:list", signed_in(200, **COORDINATORS_ONLY), kwargs=project_pk),
    Page("outbox:rules", signed_in(200, **LEADS_ONLY), kwargs=project_pk, edit=True),
    *[
        Page(
            name,
            signed_in(404, **each(A_COORDINATORS, REDIRECT)),
            kwargs=lambda world: {"pk": world.failed_message.pk},
            html=False,
            method="post",
        )
        for name in ("outbox:retry", "outbox:told")
    ],
    # Many at once, from the dashboard: anyone who coordinates somewhere may
    # post, and the service ignores every id outside their organisations, so
    # the other organisation's coordinator is sent back with nothing changed
    # (tests/notifications/test_attention.py checks the row is untouched).
    Page(
        "outbox:told_many",
        signed_in(403, **each(A_COORDINATORS, REDIRECT), other_coordinator=REDIRECT),
        html=False,
        method="post",
        data=lambda world: {"ids": [world.failed_message.pk], "next": "/dashboard/"},
    ),
    # --- Money ----------------------------------------------------------------
    # A member's own money pages: anyone else's are not found.
    *[
        Page(name, signed_in(404, member=200), kwargs=member_profile, device=PHONE, edit=edit)
        for name, edit in (
            ("payments:statement", False),
            ("payments:choice", True),
            ("payments:benefits", True),
            ("payments:expense_new", True),
        )
    ],
    Page(
        "payments:expense_for",
        signed_in(404, **each(A_COORDINATORS, 200)),
        kwargs=offline_person,
        edit=True,
    ),
    # Approving: coordinators of the organisation (not co-leads, not finance).
    Page("payments:approvals", signed_in(403, **ANY_COORDINATOR)),
    # A claim: the claimant, the organisation's coordinators and its finance.
    Page(
        "payments:claim",
        signed_in(404, member=200, **each(A_COORDINATORS, 200), finance=200),
        kwargs=lambda world: {"pk": world.claim.pk},
        browser_role="coordinator",
    ),
    # A receipt: whoever may see the claim; anyone else is told it does not exist.
    Page(
        "payments:receipt",
        signed_in(404, member=200, **each(A_COORDINATORS, 200), finance=200),
        kwargs=lambda world: {"pk": world.fare.pk},
        html=False,
    ),
    Page(
        "payments:approve",
        signed_in(404, member=403, **each(A_COORDINATORS, REDIRECT), finance=403),
        kwargs=lambda world: {"pk": world.claim.pk},
        html=False,
        method="post",
    ),
    # The claimant's own voucher code, by a button (POST) only. The world's
    # claim has no code yet, so the claimant is sent back to the claim page.
    Page(
        "payments:voucher_code",
        signed_in(404, member=REDIRECT, **each(A_COORDINATORS, 403), finance=403),
        kwargs=lambda world: {"pk": world.claim.pk},
        html=False,
        method="post",
    ),
    Page(
        "payments:reject",
        signed_in(404, member=403, **each(A_COORDINATORS, REDIRECT), finance=403),
        kwargs=lambda world: {"pk": world.claim.pk},
        html=False,
        method="post",
        data=lambda world: {"reason": "This meeting is paid by another project."},
    ),
    Page("payments:policy", signed_in(200, **COORDINATORS_ONLY), kwargs=project_pk, edit=True),
    # Finance only.
    Page("payments:queue", signed_in(403, finance=200), edit=True),
    Page("payments:rates", signed_in(403, finance=200), edit=True),
    Page(
        "payments:reverse",
        signed_in(403, finance=REDIRECT),
        kwargs=lambda world: {"pk": world.ledger_entry.pk},
        html=False,
        method="post",
        data=lambda world: {"reason": "Approved twice by mistake."},
    ),
    Page("payments:export", signed_in(403, finance=200), html=False),
    Page("payments:tax_year", signed_in(403, finance=200), html=False),
    # The tax-year summary page: finance and admins (names and totals, no bank details).
    Page("payments:tax_year_summary", signed_in(403, finance=200, admin=200)),
    Page("projects:venues", signed_in(403, **VENUE_KEEPERS)),
    Page("projects:venue_create", signed_in(403, **VENUE_KEEPERS), edit=True),
    Page(
        "projects:venue_update",
        signed_in(403, **{**VENUE_KEEPERS, "other_coordinator": 404}),
        kwargs=lambda world: {"venue_pk": world.venue.pk},
        edit=True,
    ),
    Page(
        "participants:home",
        signed_in(403, **MEMBERS_ONLY),
        device=PHONE,
    ),
    # A member's own pages: anyone else's profile is simply not found.
    Page(
        "participants:about_me",
        signed_in(404, member=200),
        kwargs=member_profile,
        device=PHONE,
    ),
    Page(
        "participants:edit_private",
        signed_in(404, member=200),
        kwargs=member_profile,
        device=PHONE,
        edit=True,
    ),
    *[
        Page(name, signed_in(404, member=200), kwargs=member_profile, device=PHONE, edit=True)
        for name in (
            "participants:edit_contact",
            "participants:edit_communication",
            "participants:edit_credit",
            "participants:edit_assets",
        )
    ],
    Page(
        "participants:access_log",
        signed_in(404, member=200),
        kwargs=member_profile,
        device=PHONE,
    ),
    Page("participants:consent", signed_in(404, member=200), kwargs=member_profile, device=PHONE),
    Page(
        "participants:consent_change",
        signed_in(404, member=REDIRECT),
        kwargs=member_profile,
        html=False,
        method="post",
        data=lambda world: {"topic": "photos", "answer": "no"},
    ),
    Page(
        "participants:take_break",
        signed_in(404, member=200),
        kwargs=lambda world: {"pk": world.membership.pk},
        device=PHONE,
        edit=True,
    ),
    Page(
        "participants:come_back",
        signed_in(404, member=REDIRECT),
        kwargs=lambda world: {"pk": world.membership.pk},
        html=False,
        method="post",
    ),
    Page("participants:my_data", signed_in(404, member=200), kwargs=member_profile, device=PHONE),
    # Data rights: the person, or the coordinators named on their projects
    # (the private-notes rule); an organisation admin only on the person's
    # written-down request; nobody else, not even the organisation's other
    # coordinators (tests/participants/test_data_rights.py).
    Page(
        "participants:export",
        signed_in(404, member=200, coordinator=200),
        kwargs=lambda world: {"pk": world.membership.participant.pk, "fmt": "json"},
        html=False,
    ),
    Page(
        "participants:export_on_request",
        signed_in(404, admin=200),
        kwargs=member_profile,
        edit=True,
    ),
    Page(
        "participants:erase",
        signed_in(404, member=200, coordinator=200, admin=200),
        kwargs=member_profile,
        device=PHONE,
        edit=True,
        browser_role="member",
    ),
    # The people list and adding people: coordinators and admins of any organisation.
    Page("participants:people", signed_in(403, **ANY_COORDINATOR)),
    Page("participants:invite", signed_in(403, **ANY_COORDINATOR), edit=True),
    Page("participants:add_on_behalf", signed_in(403, **ANY_COORDINATOR), edit=True),
    Page("participants:roles", signed_in(403, admin=200), edit=True),
    # Recording for someone who does not log in (Lou): their organisation's
    # coordinators; private notes and communication needs only for the
    # coordinators named on Lou's projects (the others may see Lou: 403).
    *[
        Page(name, signed_in(404, **each(A_COORDINATORS, 200)), kwargs=offline_person, edit=True)
        for name in (
            "participants:contact_for",
            "participants:assets_for",
            "participants:consent_for",
        )
    ],
    *[
        Page(
            name,
            signed_in(404, coordinator=200, admin=403, unnamed_coordinator=403),
            kwargs=offline_person,
            edit=True,
        )
        for name in ("participants:communication_for", "participants:private_for")
    ],
    Page(
        "participants:consent_change_for",
        signed_in(404, **each(A_COORDINATORS, REDIRECT)),
        kwargs=offline_person,
        html=False,
        method="post",
        data=lambda world: {"topic": "photos", "answer": "no"},
    ),
    Page(
        "participants:membership_edit",
        signed_in(404, **each(A_COORDINATORS, 200)),
        kwargs=lambda world: {"pk": world.membership.pk},
        edit=True,
    ),
    # Accepting needs no login: the code or the link is the key.
    Page("participants:join", answers(200), device=PHONE),
    Page(
        "participants:accept",
        answers(200),
        kwargs=lambda world: {"token": world.invitation.link.rstrip("/").rsplit("/", 1)[-1]},
        device=PHONE,
        browser_role="anonymous",
    ),
    # The person page: coordinators and admins of the organisation. Only the
    # coordinators of the person's projects see private notes on it.
    Page(
        "participants:person",
        signed_in(404, **each(A_COORDINATORS, 200)),
        kwargs=member_profile,
    ),
    # A new code for someone whose invitation is waiting (Robin): the same people.
    Page(
        "participants:invitation_renew",
        signed_in(404, **each(A_COORDINATORS, 200)),
        kwargs=lambda world: {"pk": world.invitation.participant.pk},
        edit=True,
    ),
    Page(
        "reports:list",
        signed_in(200, **each(MEMBERS, 403), no_role=403),
    ),
    # A project's report: its funder, its organisation's staff and its own
    # members (who read exactly what the funder reads). Anyone else gets 404,
    # as for a project that does not exist.
    Page(
        "reports:project",
        signed_in(404, **each(A_COORDINATORS, 200), **each(MEMBERS, 200), finance=200, funder=200),
        kwargs=project_pk,
        device=PHONE,
        browser_role="member",
    ),
    Page(
        "reports:project_csv",
        signed_in(404, **each(A_COORDINATORS, 200), **each(MEMBERS, 200), finance=200, funder=200),
        kwargs=lambda world: {"pk": world.project.pk, "table": "money"},
        html=False,
    ),
    # Giving funders access: organisation admins only.
    Page("reports:funders", signed_in(403, admin=200), edit=True),
    Page(
        "reports:funder_end",
        signed_in(403, admin=REDIRECT),
        kwargs=lambda world: {"grant_pk": world.users["funder"].funder_grants.get().pk},
        html=False,
        method="post",
    ),
    # --- Accounts (django-allauth) ------------------------------------------
    Page("account_login", answers(REDIRECT, anonymous=200), device=PHONE),
    Page("account_request_login_code", answers(REDIRECT, anonymous=200), device=PHONE),
    Page(
        "account_confirm_login_code",
        answers(REDIRECT),
        device=PHONE,
        journey="test_member_logs_in_by_emailed_code_on_a_phone",
    ),
    Page("account_signup", answers(REDIRECT, anonymous=200), device=PHONE),
    Page("account_logout", signed_in(200), device=PHONE),
    Page("account_inactive", answers(200), device=PHONE),
    Page("account_reauthenticate", signed_in(200), device=PHONE),
    Page("account_email", signed_in(200), device=PHONE, edit=True, browser_role="member"),
    Page("account_email_verification_sent", answers(200), device=PHONE),
    Page(
        "account_confirm_email",
        answers(200),
        kwargs=lambda world: {"key": "not-a-real-key"},
        device=PHONE,
    ),
    Page("account_change_password", signed_in(200), device=PHONE, browser_role="member"),
    # Members who log in by code have no password: for them this page renders.
    Page(
        "account_set_password",
        signed_in(REDIRECT),
        device=PHONE,
        journey="test_member_logs_in_by_emailed_code_on_a_phone",
    ),
    Page("account_reset_password", answers(200), device=PHONE),
    Page("account_reset_password_done", answers(200), device=PHONE),
    Page(
        "account_reset_password_from_key",
        answers(200),
        kwargs=lambda world: {"uidb36": "1", "key": "not-a-real-key"},
        device=PHONE,
    ),
    Page("account_reset_password_from_key_done", answers(200), device=PHONE),
    # Two-step login (TOTP): offered to staff, open to anyone who wants it.
    Page("mfa_index", signed_in(200)),
    # Pages in the middle of setting up or using two-step login: most answer
    # 404 or send people back until an authenticator app is set up.
    Page("mfa_authenticate", signed_in(REDIRECT), journey=TWO_STEP),
    Page("mfa_reauthenticate", signed_in(REDIRECT), journey=TWO_STEP),
    Page("mfa_activate_totp", signed_in(REDIRECT), journey=TWO_STEP),
    Page("mfa_deactivate_totp", signed_in(404), journey=TWO_STEP),
    Page("mfa_view_recovery_codes", signed_in(404), journey=TWO_STEP),
    Page("mfa_generate_recovery_codes", signed_in(REDIRECT), journey=TWO_STEP),
    Page("mfa_download_recovery_codes", signed_in(404), html=False),
]

PAGES_BY_NAME = {page.name: page for page in PAGES}
