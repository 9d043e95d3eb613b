"""axe-core (bundled with axe-playwright-python) on a live page."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("serious", "critical")

_axe = Axe()


def blocking_violations(page) -> list[str]:
    """Return one line per element with a serious or critical WCAG A/AA problem."""
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append(
                f"{violation['impact']} {violation['id']} at {node['target']}: "
                f"{node['html'][:160]} ({violation['help']})"
            )
    return found


def assert_accessible(page):
    """Fail with the rule id and the element for every serious or critical violation."""
    found = blocking_violations(page)
    assert not found, f"axe on {page.url}:\n" + "\n".join(found)


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    width = page.viewport_size["width"]
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px wide"
