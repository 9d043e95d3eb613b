"""Journeys, written as a person acts: by what they see and the labels they read.

Every page a journey passes through is checked with axe on the way. Journeys
also reach the pages that only exist in the middle of something (typing an
emailed code, the two-step login prompt), which tests/pages.py names here.
"""

import datetime
import re
from pathlib import Path

from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Meeting, Project
from tests.browser.axe import assert_accessible, assert_no_horizontal_scroll
from tests.browser.conftest import log_in_through_the_form
from tests.conftest import PDF_BYTES
from tests.factories import PASSWORD, ProjectMembershipFactory, StaffMembershipFactory
from tests.pages import PAGES


def test_coordinator_logs_in_and_reaches_the_dashboard(site, open_as):
    page = open_as("anonymous", "desktop")

    page.goto(site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Coprod")
    assert_accessible(page)
    page.get_by_label("Email").fill(site.world.users["coordinator"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("link", name="Safe Nights", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Clear Letters")).to_have_count(0)
    assert_accessible(page)


def test_member_logs_in_by_emailed_code_on_a_phone(site, open_as):
    # A member who never chose a password: they log in by code only.
    membership = ProjectMembershipFactory(
        project=site.world.project,
        participant__preferred_name="Robin",
        participant__user__password=None,
    )
    email = membership.participant.user.email
    page = open_as("anonymous", "phone")

    page.goto(site.url + "/")
    page.get_by_role("link", name="Email me a login code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get a login code by email")
    assert_accessible(page)
    page.get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Email me a code").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    text = site.inbox.text_of(site.inbox.wait_for(email))
    code = re.search(r"^\s*(\d{6})\s*$", text, re.M).group(1)
    page.get_by_label("The 6-digit code from the email").fill(code)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Robin")
    expect(page.get_by_role("link", name="Safe Nights", exact=True)).to_be_visible()
    assert_accessible(page)

    # With no password yet, "Your password" offers to set one.
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Your password").click()
    expect(page).to_have_url(re.compile(reverse("account_set_password") + "$"))
    assert_accessible(page)


def test_funder_logs_in_and_cannot_reach_any_edit_page(site, open_as):
    page = open_as("anonymous", "desktop")
    log_in_through_the_form(page, site.url, site.world.users["funder"].email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)

    edit_pages = [registered for registered in PAGES if registered.edit]
    assert len(edit_pages) >= 3
    for registered in edit_pages:
        if registered.name.startswith("account_"):
            continue  # their own email address, not anyone's project data
        url = site.url + reverse(registered.name, kwargs=registered.kwargs(site.world))
        response = page.goto(url)
        assert response.status in (403, 404), f"{registered.name}: {response.status}"
        expect(page.get_by_role("textbox")).to_have_count(0)
        assert_accessible(page)


def test_staff_sets_up_two_step_login(site, open_as):
    staff = StaffMembershipFactory(organisation=site.world.org).user
    page = open_as("anonymous", "desktop")
    log_in_through_the_form(page, site.url, staff.email)

    # Given a coordinator turns on two-step login from their account page
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Two-step login").click()
    assert_accessible(page)
    page.get_by_role("link", name="Activate").click()
    # allauth asks for the password again before changing how they log in
    expect(page).to_have_url(re.compile(reverse("account_reauthenticate")))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert_accessible(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_totp(secret))
    page.get_by_role("button", name="Activate").click()

    # Then they are shown recovery codes to keep
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    assert_accessible(page)
    recovery_code = page.get_by_label("Unused codes").input_value().split()[0]
    for name in ("mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        page.goto(site.url + reverse(name))
        assert_accessible(page)

    # When they log in again, the second step is asked for
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(reverse("mfa_authenticate")))
    assert_accessible(page)
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name=re.compile("Sign In|Log in", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    # And once that login is old, changing it asks for a code from the app again
    with override_settings(ACCOUNT_REAUTHENTICATION_TIMEOUT=0):
        page.goto(site.url + reverse("mfa_deactivate_totp"))
        expect(page).to_have_url(re.compile("reauthenticate"))
        page.goto(site.url + reverse("mfa_reauthenticate"))
        expect(page.get_by_label("Code")).to_be_visible()
        assert_accessible(page)


def current_totp(secret):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_coordinator_creates_a_project_and_a_member_endorses_its_values(site, open_as):
    page = open_as("coordinator")

    # Given a coordinator sets up a project in small steps
    page.goto(site.url + reverse("accounts:dashboard"))
    page.get_by_role("link", name="Start a new project").click()
    page.get_by_label("Title").fill("Warm Welcome")
    page.get_by_label("Short summary").fill("Members and staff redesign the first visit.")
    page.get_by_role("button", name="Create project").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Purpose and scope")
    page.get_by_label("Why we are here").fill("First visits feel cold and confusing.")
    page.get_by_label("What we can change together").fill("The welcome, the forms, the room.")
    page.get_by_label("What is fixed, and why").fill("Opening hours: set by the funder.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert_accessible(page)

    steps = page.get_by_role("navigation", name="Project set-up steps")
    steps.get_by_role("link", name="Ways of working").click()
    page.get_by_label("How to raise a problem or complaint").fill("Tell Sam, or any co-lead.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    steps.get_by_role("link", name="Values").click()
    page.get_by_role("link", name="Suggest a value").click()
    page.get_by_label("The value, in a few words").fill("Welcome everyone as a guest")
    page.get_by_label("What this means for us").fill("We greet people by name and offer tea.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Set up or change this project").click()
    steps.get_by_role("link", name="Values").click()
    page.get_by_role("button", name="The group agreed this").click()
    expect(page.get_by_text("is now one of the group's agreed values")).to_be_visible()
    assert_accessible(page)

    steps.get_by_role("link", name="Phases").click()
    page.get_by_label("Poverty Truth Commission phases").check()
    page.get_by_role("button", name="Use this list").click()
    expect(page.get_by_label("Where we are now")).to_have_value(re.compile(r"\d+"))
    assert_accessible(page)

    # When a member of the project opens it on their phone
    project = Project.objects.get(title="Warm Welcome")
    ProjectMembershipFactory(project=project, participant=site.world.membership.participant)
    phone = open_as("member", "phone")
    phone.goto(site.url + project.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_have_text("Warm Welcome")
    expect(phone.get_by_text("Opening hours: set by the funder.")).to_be_visible()
    expect(phone.get_by_text("Engagement (we are here)")).to_be_visible()

    # Then they can endorse the group's value, and take it back
    phone.get_by_role("button", name="I endorse this value").click()
    expect(phone.get_by_text("You endorse this value.")).to_be_visible()
    expect(phone.get_by_text("1 member endorses this.")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Take back my endorsement").click()
    expect(phone.get_by_text("0 members endorse this.")).to_be_visible()


def test_coordinator_invites_and_member_accepts_on_a_phone_and_sets_their_needs(site, open_as):
    # Given a coordinator invites someone to the project by email
    page = open_as("coordinator")
    page.goto(site.url + reverse("accounts:dashboard"))
    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_label("What they like to be called").fill("Kez")
    page.get_by_label("Their email address").fill("kez@example.org")
    page.get_by_label("Invite them to").select_option(label="Safe Nights")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation ready for Kez")
    assert_accessible(page)

    # When Kez opens the link from the email on their phone and says yes
    text = site.inbox.text_of(site.inbox.wait_for("kez@example.org"))
    link = re.search(r"(http\S+/join/\S+/)", text).group(1)
    phone = open_as("anonymous", "phone")
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("You are invited")
    phone.get_by_label("Yes, you may contact me").check()
    phone.get_by_role("button", name="Yes, I would like to join").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("About me")

    # Then they say what helps, privately, and how to communicate
    phone.get_by_role("link", name="Change what helps me").click()
    phone.get_by_label("What would help you take part").fill("A seat near the door.")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("A seat near the door.")).to_be_visible()
    phone.get_by_role("link", name="Change how we communicate").click()
    phone.get_by_label("Large print").check()
    phone.get_by_label("How many days before a meeting you need the papers").fill("5")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Papers at least 5 days before meetings")).to_be_visible()
    assert_accessible(phone)

    # And the project's coordinator sees what to act on
    kez = Project.objects.get(title="Safe Nights").memberships.get(
        participant__preferred_name="Kez"
    )
    page.goto(site.url + reverse("participants:person", kwargs={"pk": kez.participant_id}))
    expect(page.get_by_text("A seat near the door.")).to_be_visible()
    expect(page.get_by_text("Large print")).to_be_visible()


def test_member_rsvps_on_a_phone_and_adds_the_meeting_to_their_calendar(site, open_as):
    world = site.world
    day = timezone.localdate() + datetime.timedelta(days=3)

    # Given a coordinator plans an in-person meeting at a venue, with a paper
    page = open_as("coordinator")
    page.goto(site.url + reverse("projects:meetings", kwargs={"pk": world.project.pk}))
    page.get_by_role("link", name="Plan a meeting").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Open evening plans")
    page.get_by_label("What this meeting is for, in one line").fill("Plan the open evening.")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Venue").select_option(label="Riverside Community Hall")
    page.get_by_role("button", name="Save").click()
    # Three days is short notice for papers: the planner says so before saving.
    expect(page.get_by_text("this one is 3 days away")).to_be_visible()
    # Focus goes to the warnings, so a screen reader reads them first.
    expect(page.locator("#warnings")).to_be_focused()
    assert_accessible(page)
    page.get_by_label("I have read the warnings and want to go ahead").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open evening plans")
    page.get_by_role("link", name="Add or change papers").click()
    page.get_by_label("Title").fill("Draft running order")
    page.get_by_label("Plain-language summary").fill("What happens when, on the night.")
    page.get_by_label("File").set_input_files(
        files=[{"name": "order.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Add the paper").click()
    expect(page.get_by_text("Paper added.")).to_be_visible()
    assert_accessible(page)

    # When a member opens Coprod on their phone, says "maybe", then yes with a need
    phone = open_as("member", "phone")
    phone.goto(site.url + "/")
    card = phone.get_by_role("region", name="Open evening plans")
    expect(card.get_by_text("Bus 42 to Mill Lane")).to_be_visible()
    expect(card.get_by_role("link", name="Draft running order")).to_be_visible()
    assert_accessible(phone)
    card.get_by_role("button", name="Maybe").click()
    expect(phone.get_by_text("Let us know when you are sure.")).to_be_visible()
    phone.get_by_label("Yes, I will come").check()
    phone.get_by_label("What do you need for this meeting?").fill("A lift from the bus stop")
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("We look forward to seeing you.")).to_be_visible()
    assert_accessible(phone)

    # And adds it to their calendar
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add to my calendar").first.click()
    ics = Path(download.value.path()).read_text()
    assert "SUMMARY:Open evening plans (Safe Nights)" in ics
    assert f"DTSTART;TZID=Europe/London:{day:%Y%m%d}T100000" in ics

    # Then the coordinator sees the answer and the need, and records who came last time
    meeting = Meeting.objects.get(title="Open evening plans")
    page.goto(
        site.url
        + reverse(
            "projects:meeting_replies", kwargs={"pk": world.project.pk, "meeting_pk": meeting.pk}
        )
    )
    row = page.get_by_role("row", name=re.compile("^Jo"))
    expect(row).to_contain_text("Yes, I will come")
    expect(row).to_contain_text("A lift from the bus stop")
    page.goto(site.url + world.past_meeting.get_absolute_url())
    page.get_by_role("link", name="Record who came").click()
    page.get_by_label("Jo was there").check()
    page.get_by_label("Minutes at the meeting for Jo").fill("90")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved.")).to_be_visible()
    assert_accessible(page)
    assert world.past_meeting.attendance.get(participant__preferred_name="Jo").minutes == 90


def test_coordinator_answers_what_members_said_and_a_member_reads_the_update(site, open_as):
    world = site.world
    # Given a coordinator writes down what members said, and answers it
    page = open_as("coordinator")
    page.goto(site.url + reverse("projects:promises", kwargs={"pk": world.project.pk}))
    page.get_by_role("link", name="Write down what members said").click()
    page.get_by_label("What did members say, recommend or ask for?").fill(
        "Let people bring a dog to the shelter."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You said")
    page.get_by_label("Accepted: we will do this").check()
    page.get_by_label("We will report back by").fill(
        (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    )
    page.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("Answer saved.")).to_be_visible()
    assert_accessible(page)

    # When a co-lead posts an update
    co_lead = open_as("co_lead")
    co_lead.goto(page.url)
    co_lead.get_by_label("What happened").fill("Dogs are welcome from next month.")
    co_lead.get_by_role("button", name="Post the update").click()
    expect(co_lead.get_by_text("Update posted.")).to_be_visible()

    # Then a member sees the whole story on their phone
    phone = open_as("member", "phone")
    phone.goto(site.url + world.project.get_absolute_url())
    phone.get_by_role("link", name="Everything members said, and what came of it").click()
    expect(phone.get_by_text("Let people bring a dog to the shelter.")).to_be_visible()
    expect(phone.get_by_text("We reported back, as promised by")).to_be_visible()
    phone.get_by_role("link", name="The whole story").first.click()
    expect(phone.get_by_text("Dogs are welcome from next month.")).to_be_visible()
    assert_accessible(phone)


def test_member_claims_a_bus_fare_on_a_phone_coordinator_approves_finance_pays(site, open_as):
    from payments.models import Claim

    world = site.world
    jo = world.membership.participant
    # Given a member on their phone
    phone = open_as("member", "phone")
    phone.goto(site.url + "/")
    phone.get_by_role("link", name="What I have been paid, and what is waiting").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("My money")
    phone.get_by_role("link", name="Claim an expense").click()
    assert_accessible(phone)
    # Someone in more than one project is asked which (earlier journeys add one).
    which = phone.get_by_label("For which project?")
    if which.count():
        which.select_option(label="Safe Nights")
    phone.get_by_label("What was it for?").select_option(label="Travel")
    phone.get_by_label("How much? (£)").fill("3.80")
    phone.get_by_label("When?").fill(timezone.localdate().isoformat())
    phone.get_by_label("A few words (optional)").fill("Bus to the drop-in")
    phone.get_by_role("button", name="Send my claim").click()
    expect(phone.get_by_text("Your claim is sent for approval.")).to_be_visible()
    expect(phone.get_by_text("£3.80")).to_be_visible()
    assert_accessible(phone)
    claim = Claim.objects.get(participant=jo, description="Bus to the drop-in")

    # When the coordinator approves it
    page = open_as("coordinator")
    page.goto(site.url + reverse("payments:approvals"))
    page.get_by_role("link", name=re.compile(r"Jo: £3\.80")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved. Finance will pay it.")).to_be_visible()

    # And finance pays it
    finance = open_as("finance")
    finance.goto(site.url + reverse("payments:queue"))
    finance.get_by_label(re.compile(r"Paid: Jo, £3\.80")).check()
    finance.get_by_role("radio", name="Cash in hand").check()
    finance.get_by_label("Cash in hand: who handed it over?").fill("Alex at the drop-in")
    finance.get_by_role("button", name="Mark the ticked ones paid").click()
    expect(finance.get_by_text("Marked 1 paid")).to_be_visible()
    assert_accessible(finance)

    # Then the member's statement says so
    claim.refresh_from_db()
    assert claim.status == "paid"
    phone.goto(site.url + reverse("payments:statement", args=[jo.pk]))
    expect(
        phone.get_by_text(re.compile(r"£3\.80 on .* in cash, handed over by Alex at the drop-in"))
    ).to_be_visible()


def test_funder_reads_a_report_and_exports_csv(site, open_as):
    from coprod.demo.scale import grow
    from tests.factories import FunderGrantFactory

    world = site.world
    project = grow(
        organisation=world.org, members=40, months=6, seed=9, title="Warm Homes"
    ).projects[0]
    FunderGrantFactory(project=project, user=world.users["funder"])
    page = open_as("anonymous", "desktop")
    log_in_through_the_form(page, site.url, world.users["funder"].email)

    # The portfolio: every granted project, sortable by any column
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("link", name="Warm Homes 1")).to_be_visible()
    expect(page.get_by_role("link", name="Clear Letters")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^Hours of lived-experience work")).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Hours")
    assert_accessible(page)

    # The report, with charts, their tables, and small numbers hidden
    page.get_by_role("link", name="Warm Homes 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warm Homes 1")
    expect(page.get_by_role("img", name=re.compile("^Bar chart of hours"))).to_be_visible()
    expect(
        page.get_by_role("table", name="Hours of lived-experience work by month")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="fewer than 5").first).to_be_visible()
    assert_accessible(page)

    # Prints to a clean A4 PDF: no site header, no forms, the name and dates kept
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Show this period")).to_be_hidden()
    expect(page.get_by_text("Produced on")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") > 1
    page.emulate_media(media="screen")

    # Exports one table as CSV, with the same hidden figures
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("CSV.*Members involved")).click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0] == "Status,People"
    assert rows[-1].startswith("All members involved,")
    assert download.value.suggested_filename.startswith("warm-homes-1-people-")

    # A fixed period is chosen from a list; one the project does not have is explained
    today = timezone.localdate()
    page.get_by_label("Period", exact=True).select_option(f"{today:%Y-%m}")
    page.get_by_role("button", name="Show this period").click()
    expect(page.get_by_text(f"Covers {today:%B %Y}")).to_be_visible()
    page.goto(page.url.split("?")[0] + "?period=9999-01")
    expect(page.get_by_role("alert")).to_contain_text("outside this project's life")
    assert_accessible(page)


def test_coordinator_marks_a_meetings_phone_calls_as_told_on_a_phone(site, open_as):
    from coprod.notifications.models import Notification
    from tests.factories import ProjectFactory
    from tests.notifications.helpers import meeting_at, reachable

    # A project of its own, so no other journey sees these people or this meeting.
    project = ProjectFactory(organisation=site.world.org, title="Night Bus")
    project.coordinators.add(site.world.users["coordinator"])
    for name in ("Kit", "Lee", "Mo"):
        reachable(project, name, "phone_call")
    meeting_at(project, timezone.now() + datetime.timedelta(days=9), title="Bus routes")
    # Where the dispatcher leaves a message for someone who asked to be phoned.
    Notification.objects.filter(project=project, kind="meeting_scheduled").update(
        status="waiting", body="You are invited to Bus routes."
    )
    page = open_as("coordinator", "phone")

    page.goto(site.url + reverse("accounts:dashboard"))
    expect(page.get_by_role("heading", name="Bus routes")).to_be_visible()
    expect(page.get_by_text("3 phone calls or letters")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Mark all 3 as told: Bus routes").click()

    expect(page.get_by_text("Recorded: 3 marked as told.")).to_be_visible()
    expect(page.get_by_role("heading", name="Bus routes")).to_have_count(0)
    assert_accessible(page)


def test_the_group_reviews_together_and_the_funder_sees_the_counts(site, open_as):
    from projects.models import Contribution, MeetingAction, Review, ReviewAnswer

    world = site.world
    today = timezone.localdate()
    # Given a lead plans a review, talked over at the last meeting
    page = open_as("coordinator")
    page.goto(site.url + reverse("projects:reviews", kwargs={"pk": world.project.pk}))
    page.get_by_role("link", name="Plan a review").click()
    page.get_by_label("Name of the review").fill("Spring review")
    page.get_by_label("Answers open on").fill(today.isoformat())
    page.get_by_label("Answers close after").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("The meeting where the group talks it over (optional)").select_option(
        label=str(world.past_meeting)
    )
    page.get_by_role("button", name="Plan the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring review")
    assert_accessible(page)
    review = Review.objects.get(title="Spring review")

    # When three members answer on their phones, one of them without their name
    said = {
        "member": ("We opened the shelter earlier", "The group, with my name", "A lot"),
        "co_lead": ("People came back each week", "The group, with my name", "Some"),
        "other_member": ("Nobody asked me before", "The group, without my name", "A little"),
    }
    for role, (words, who, step) in said.items():
        phone = open_as(role, "phone")
        phone.goto(site.url + "/")
        phone.get_by_role("link", name="Spring review").click()
        phone.get_by_role("link", name="Start answering").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Question 1 of 9")
        phone.get_by_label("What have we achieved together?").fill(words)
        phone.get_by_label(who).check()
        assert_accessible(phone)
        assert_no_horizontal_scroll(phone)
        phone.get_by_role("button", name="Save and go on").click()
        phone.get_by_label(step, exact=True).check()
        phone.get_by_label(who).check()
        phone.get_by_role("button", name="Save and go on").click()
        # They skip the third and can come back to it while the review is open.
        phone.get_by_role("button", name="Skip this question").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Question 4 of 9")
        phone.get_by_role("link", name="Back to all the questions").click()
        expect(phone.get_by_text("Not answered yet").first).to_be_visible()
    assert ReviewAnswer.objects.filter(review=review, participant__isnull=True).count() == 2

    # And the coordinator gives the organisation's answer beside theirs
    page.reload()
    page.get_by_role("link", name="Start answering").click()
    page.get_by_label("What have we achieved together?").fill("A shelter people trust")
    page.get_by_role("button", name="Save and go on").click()
    page.get_by_label("Completely", exact=True).check()
    page.get_by_role("button", name="Save and go on").click()
    page.goto(site.url + review.get_absolute_url())
    expect(page.get_by_text("A shelter people trust")).to_be_visible()
    # The answer without a name is kept back, for everyone: nothing unnamed
    # shows while the review is open (and only three took part).
    expect(page.get_by_text("Nobody asked me before")).to_have_count(0)
    expect(page.get_by_text("show once the review closes").first).to_be_visible()
    assert_accessible(page)

    # And the group's two agreed changes become an action and a promise
    due = (today + datetime.timedelta(days=21)).isoformat()
    for kind, words, owner in (
        ("An action", "Start at 6pm so people who work can come", "Jo"),
        ("A promise", "Pay travel on the day", str(world.users["coordinator"])),
    ):
        page.get_by_role("link", name="Record a change the group agreed").click()
        page.get_by_role("radio", name=re.compile(kind)).check()
        page.get_by_label("What the group agreed to change").fill(words)
        page.get_by_label("Who will do it").select_option(label=owner)
        page.get_by_label("By when").fill(due)
        page.get_by_role("button", name="Record it").click()
        expect(page.get_by_text(words)).to_be_visible()
    assert MeetingAction.objects.get(review=review).meeting == world.past_meeting
    assert Contribution.objects.get(review=review).responsible == world.users["coordinator"]
    assert_accessible(page)

    # Then the funder's report counts the answers, and hides the small numbers
    funder = open_as("funder")
    funder.goto(site.url + reverse("reports:project", kwargs={"pk": world.project.pk}))
    expect(funder.get_by_role("heading", name="How members say it feels")).to_be_visible()
    table = funder.get_by_role("table", name=re.compile("^Spring review: How far have we got"))
    expect(table).to_be_visible()
    expect(table.get_by_role("cell", name="fewer than 5").first).to_be_visible()
    expect(funder.get_by_text("Nobody asked me before")).to_have_count(0)
    expect(funder.get_by_text("We opened the shelter earlier")).to_have_count(0)
    assert_accessible(funder)


def test_a_member_shares_a_quote_with_the_funder_and_takes_it_back(site, open_as):
    from projects.models import Story

    world = site.world
    jo = world.users["member"]
    quote = "The first place that asked what I thought."
    phone = open_as("member", "phone")
    # Given Jo likes to be named by first name in anything published
    phone.goto(site.url + "/")
    phone.get_by_role("link", name="About me").first.click()
    phone.get_by_role("link", name="Change how you are named, or about your story").click()
    phone.get_by_label("My first name only").check()
    phone.get_by_role("button", name="Save").click()

    # When Jo tells a story on her phone and picks out a quote from it
    phone.goto(site.url + reverse("projects:detail", kwargs={"pk": world.project.pk}))
    phone.get_by_role("link", name="Stories", exact=True).click()
    assert_accessible(phone)
    phone.get_by_role("link", name="Tell a story").click()
    phone.get_by_label("A short name for the story").fill("Being asked")
    phone.get_by_label("The story, in the teller's own words").fill(
        f"I went to a lot of services. {quote} I kept coming back."
    )
    assert_accessible(phone)
    assert_no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Keep this story").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Being asked")
    expect(phone.get_by_text("Only the people in this project").first).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Pick out a quote").click()
    phone.get_by_label("The words to quote").fill(quote)
    phone.get_by_role("button", name="Add the quote").click()
    expect(phone.get_by_text("Quote added.")).to_be_visible()

    # And lets it go to the funders' report, named as she chose
    funder = open_as("funder")
    report = site.url + reverse("reports:project", kwargs={"pk": world.project.pk})
    funder.goto(report)
    expect(funder.get_by_text(quote)).to_have_count(0)
    phone.get_by_role("link", name="Change who can see it, or how you are named").click()
    phone.get_by_label("This project, and the report our funders read").check()
    phone.get_by_label("As I chose to be named in anything published").check()
    assert_accessible(phone)
    phone.get_by_role("button", name="Save my choices").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()

    # Then the funder reads the quote under her first name
    funder.goto(report)
    voices = funder.get_by_role("region", name="In their own words")
    expect(voices.get_by_text(quote)).to_be_visible()
    expect(voices.get_by_text("Told by Jo.")).to_be_visible()
    expect(voices.get_by_text("I kept coming back")).to_have_count(0)
    assert_accessible(funder)

    # When Jo takes the story back, the funder no longer sees it
    phone.get_by_role("button", name="Take this story back").click()
    expect(phone.get_by_text("You took this story back")).to_be_visible()
    expect(phone.get_by_text("shown in the funders' report").first).to_be_visible()
    assert_accessible(phone)
    funder.goto(report)
    expect(funder.get_by_text(quote)).to_have_count(0)
    expect(funder.get_by_text("Being asked")).to_have_count(0)
    assert Story.objects.filter(teller__user=jo, withdrawn_at__isnull=False).count() == 1


def test_a_coordinator_closes_a_project_with_care_and_everyone_gets_their_record(site, open_as):
    import io

    from pypdf import PdfReader

    from coprod.notifications import dispatch
    from projects.promises.services import contribution_record
    from tests.factories import ProjectFactory
    from tests.notifications.helpers import reachable

    world = site.world
    coordinator = world.users["coordinator"]
    project = ProjectFactory(organisation=world.org, title="Warm Spaces", status="active")
    project.coordinators.add(coordinator)
    kit = reachable(project, "Kit")
    contribution_record(project=project, by=coordinator, said="Keep the heating on until 9pm.")

    # Given the coordinator starts the closing step from the project page
    page = open_as("coordinator")
    page.goto(site.url + project.get_absolute_url())
    page.get_by_role("link", name="Close the project, with care").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the project, with care")
    assert_accessible(page)

    # When they give the last answer to the open point
    page.get_by_role("link", name=re.compile("^Give the last answer")).click()
    page.get_by_label("We did it").check()
    page.get_by_label("What we did, or honestly why not").fill("The heating now runs until 9pm.")
    assert_accessible(page)
    page.get_by_role("button", name="Give the last answer").click()
    expect(page.get_by_text("Every point has its answer.")).to_be_visible()

    # And thank everyone, say what happens next and what happens to their details
    page.get_by_label("Thank you, in your own words").fill("Thank you for a warm winter.")
    page.get_by_label("What happens next").fill("Join the spring garden group.")
    page.get_by_role("button", name="Close the project and tell everyone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we achieved")
    expect(page.get_by_text("Thank you for a warm winter.")).to_be_visible()
    expect(page.get_by_text("The heating now runs until 9pm.")).to_be_visible()
    assert_accessible(page)

    # Then Kit is thanked by email, with their record of contribution as a PDF
    import time

    thanked = []
    for _ in range(20):
        dispatch.dispatch_due()
        thanked = [
            m
            for m in site.inbox.messages
            if kit.email in m["To"] and m["Subject"].startswith("Thank you:")
        ]
        if thanked:
            break
        time.sleep(0.5)
    assert len(thanked) == 1, [m["Subject"] for m in site.inbox.messages]
    message = thanked[0]
    assert "Join the spring garden group." in site.inbox.text_of(message)
    [pdf] = list(message.iter_attachments())
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Record of contribution" in text
    assert "Kit" in text
    assert "Warm Spaces" in text
    # And the project is read-only now
    page.goto(site.url + reverse("projects:meeting_create", kwargs={"pk": project.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("This project has finished")
    assert_accessible(page)
