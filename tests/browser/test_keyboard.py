"""Keyboard only: every control is reached by Tab, shows where focus is, and
the skip link jumps past the navigation."""

import re

from django.urls import reverse
from playwright.sync_api import expect

# Numbers every focusable, visible control in page order, so we can tell which
# ones Tab reached. Data attributes are set through the DOM, which the
# Content-Security-Policy allows.
MARK_CONTROLS = """() => {
  const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const controls = [...document.querySelectorAll(selector)].filter(el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const onScreen = box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
    // The skip link sits off screen until it has focus: it counts.
    return onScreen || el.classList.contains('skip-link');
  });
  controls.forEach((el, i) => { el.dataset.kb = String(i); });
  return controls.map(el => ({
    label: (el.innerText || el.value || el.name || el.id || el.tagName).trim(),
    // Tab enters a group of radio buttons once; arrow keys move inside it.
    group: el.type === 'radio' ? el.name : null,
  }));
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    kb: el.dataset ? el.dataset.kb : undefined,
    id: el.id,
    text: (el.innerText || el.name || el.id || el.tagName).trim(),
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    shadow: style.boxShadow !== 'none',
    inMain: !!el.closest('main'),
    visible: box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight + 1,
  };
}"""


def tab_through(page):
    """Press Tab until focus comes round again; return what was focused, in order.

    Date inputs take one Tab per part (day, month, year), so allow for that.
    """
    labels = page.evaluate(MARK_CONTROLS)
    seen = []
    for _ in range(len(labels) * 3 + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["kb"] is None or (seen and focused["kb"] == seen[0]["kb"]):
            break
        seen.append(focused)
    return labels, seen


def assert_keyboard_works(page):
    labels, seen = tab_through(page)
    reached = {int(f["kb"]) for f in seen}
    groups = {labels[index]["group"] for index in reached} - {None}
    missed = [
        control["label"]
        for index, control in enumerate(labels)
        if index not in reached and control["group"] not in groups
    ]
    assert not missed, f"Tab never reaches: {missed}"
    unringed = [f["text"] for f in seen if f["outline"] < 2 and not f["shadow"]]
    assert not unringed, f"No visible focus ring on: {unringed}"


def test_the_login_page_works_by_keyboard_alone(site, open_as):
    page = open_as("anonymous")
    page.goto(site.url + reverse("account_login"))
    assert_keyboard_works(page)


def test_a_form_page_works_by_keyboard_alone(site, open_as):
    page = open_as("coordinator")
    page.goto(site.url + reverse("projects:create"))
    assert_keyboard_works(page)


def test_the_skip_link_is_first_visible_and_jumps_to_the_content(site, open_as):
    page = open_as("coordinator")
    page.goto(site.url + reverse("accounts:dashboard"))

    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Skip to main content"
    assert first["visible"], "the skip link must show on screen when it has focus"

    page.keyboard.press("Enter")
    # A jump within the page reaches page.url a moment later: wait for it.
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate(FOCUSED)["id"] == "main"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["inMain"], "after the skip link, Tab continues inside <main>"


def test_the_meeting_page_and_home_card_work_by_keyboard_alone_on_a_phone(site, open_as):
    page = open_as("member", "phone")
    page.goto(site.url + site.world.meeting.get_absolute_url())
    assert_keyboard_works(page)
    page.goto(site.url + reverse("participants:home"))
    assert_keyboard_works(page)


def test_the_attendance_form_works_by_keyboard_alone(site, open_as):
    page = open_as("coordinator")
    meeting = site.world.past_meeting
    page.goto(
        site.url
        + reverse(
            "projects:meeting_attendance",
            kwargs={"pk": meeting.project_id, "meeting_pk": meeting.pk},
        )
    )
    assert_keyboard_works(page)
