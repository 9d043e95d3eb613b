"""Page weight (issue 18): member pages stay under 25 KB on a phone's first visit.

Bootstrap is purged to the classes Coprod uses (scripts/purge_bootstrap.py),
pages are gzipped, and hashed static files are cached for good.
"""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse

from scripts import purge_bootstrap
from tests.pages import PAGES, PHONE

# What a phone may download on its first visit to a member page, and what each
# request costs in headers on top of its body (Coprod's page answers carry
# about 650 bytes: the security policy, cookies; a static file about 450).
FIRST_VISIT_BUDGET = 25_000
HEADERS_PER_REQUEST = 700

MEMBER_PAGES = [
    page
    for page in PAGES
    if page.device == PHONE and page.html and page.method == "get" and not page.journey
]


# --- The purged Bootstrap -----------------------------------------------------


def test_the_committed_purged_bootstrap_is_what_the_script_builds_today():
    """A template with a new class needs the file rebuilt: make css."""
    for full, purged in purge_bootstrap.FILES:
        assert purged.read_text(encoding="utf-8") == purge_bootstrap.build(full), (
            f"{purged.name} is stale: run make css (scripts/purge_bootstrap.py)"
        )


# Independent of the script on purpose: the script keeps every word it sees;
# this reads only class attributes, the classes crispy puts on fields and the
# classes our Python puts on widgets.
_TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_CLASS_ATTRIBUTE = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CRISPY_FIELD_CLASS = re.compile(r"""{%\s*crispy_field\s+\S+\s+'class'\s+'([^']*)'""")
_PYTHON_CLASS_ATTR = re.compile(r"""["']class["']\s*:\s*["']([^"']+)["']""")
_CSS_CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")
_CLASS_NAME = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")


def classes_in_template(text: str) -> set[str]:
    classes = set()
    for value in _CRISPY_FIELD_CLASS.findall(text):
        classes.update(value.split())
    for pair in _CLASS_ATTRIBUTE.findall(_TEMPLATE_TAG.sub(" ", text)):
        for word in "".join(pair).split():
            if _CLASS_NAME.fullmatch(word) and not word.endswith("-"):
                classes.add(word)
    return classes


def classes_we_use() -> dict[str, set[str]]:
    """Each class used on Coprod's pages, with the files using it."""
    root = purge_bootstrap.ROOT
    found: dict[str, set[str]] = {}
    templates = sorted((root / "templates").rglob("*.html"))
    for path in templates + purge_bootstrap.crispy_templates_used():
        for name in classes_in_template(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(path.name)
    for app in ("coprod", "participants", "projects", "payments"):
        for path in sorted((root / app).rglob("*.py")):
            for value in _PYTHON_CLASS_ATTR.findall(path.read_text(encoding="utf-8")):
                for name in value.split():
                    found.setdefault(name, set()).add(path.name)
    return found


def test_reading_classes_sees_through_template_tags():
    text = (
        """<p class="alert {% if x == "y" %}alert-danger{% else %}alert-success{% endif %}">"""
        """<a class='btn btn-{{ kind }}'>"""
        """{% crispy_field field 'class' 'form-select is-invalid' %}"""
    )

    assert classes_in_template(text) == {
        "alert",
        "alert-danger",
        "alert-success",
        "btn",
        "form-select",
        "is-invalid",
    }


def test_every_bootstrap_class_our_pages_use_is_in_the_purged_file():
    full = set(_CSS_CLASS.findall(purge_bootstrap.FULL.read_text(encoding="utf-8")))
    purged = set(_CSS_CLASS.findall(purge_bootstrap.PURGED.read_text(encoding="utf-8")))
    used = classes_we_use()
    assert {"alert-danger", "form-select", "form-check-input", "is-invalid"} <= set(used)

    missing = {name: sorted(files) for name, files in used.items() if name in full - purged}

    assert not missing, f"classes used but purged from Bootstrap: {missing}; run make css"


def test_base_loads_the_purged_bootstrap(client):
    html = client.get(reverse("account_login")).content.decode()

    assert "bootstrap-5.3.9/bootstrap.purged.min.css" in html
    assert "bootstrap.min.css" not in html


def test_the_purge_keeps_what_a_page_can_match_and_drops_the_rest():
    css = (
        '@charset "UTF-8";/*! licence */:root{--bs-blue:#00f}body{margin:0}'
        ".used,.unused{color:red}.unused{color:blue}.used:not(.unused){top:0}"
        ".unused .used{left:0}[data-bs-theme=dark]{color-scheme:dark}"
        '.used::after{content:"}{"}'
        "@media (min-width:576px){.used{width:1px}.unused{width:2px}}"
        "@media print{.unused{display:none}}"
        ".used{animation:spin 1s}@keyframes spin{to{transform:rotate(1turn)}}"
        "@keyframes fade{to{opacity:0}}"
    )

    purged = purge_bootstrap.purge(css, {"used"})

    assert purged == (
        '@charset "UTF-8";'
        + purge_bootstrap.HEADER.format(name="bootstrap.min.css")
        + "/*! licence */:root{--bs-blue:#00f}body{margin:0}"
        ".used{color:red}.used:not(.unused){top:0}"
        '.used::after{content:"}{"}'
        "@media (min-width:576px){.used{width:1px}}"
        ".used{animation:spin 1s}@keyframes spin{to{transform:rotate(1turn)}}\n"
    )


def test_the_scanner_writes_full_bootstrap_back_unchanged():
    """Every rule the purge keeps is Bootstrap's own text: the split loses nothing."""
    css = purge_bootstrap.FULL.read_text(encoding="utf-8")

    assert purge_bootstrap.serialise(purge_bootstrap.parse(css)) == css.rstrip("\n")


# --- Compression and caching ----------------------------------------------------------


def test_pages_go_out_gzipped_when_the_browser_asks(client):
    plain = client.get(reverse("account_login"))
    packed = client.get(reverse("account_login"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content).decode().count("<h1") == 1
    assert len(packed.content) < len(plain.content) / 2


def _static_url(url: str) -> str:
    return url.split("?")[0].removeprefix("/static/")


class Subresources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.urls.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def first_visit_bytes(client, url) -> dict[str, int]:
    """What a phone with nothing cached downloads for url: each body, gzipped."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, url
    parser = Subresources()
    parser.feed(gzip.decompress(response.content).decode())
    sizes = {url: len(response.content)}
    for link in parser.urls:
        path = finders.find(_static_url(link))
        assert path, f"{link} is not a static file"
        # WhiteNoise serves the gzip -9 copy collectstatic makes beside each file.
        sizes[link] = len(gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0))
    return sizes


def test_every_member_page_weighs_at_most_25_kb_on_a_first_visit(world, client_for):
    heavy = {}
    for page in MEMBER_PAGES:
        # Given a phone that has nothing cached, when it opens the page and all it links to
        client = client_for(world, page.role_for_browser())
        sizes = first_visit_bytes(client, reverse(page.name, kwargs=page.kwargs(world)))

        # Then the bodies and their headers come to at most 25 KB
        total = sum(sizes.values()) + HEADERS_PER_REQUEST * len(sizes)
        if total > FIRST_VISIT_BUDGET:
            heavy[page.name] = (total, sizes)

    assert len(MEMBER_PAGES) > 20
    assert not heavy, f"over {FIRST_VISIT_BUDGET:,} bytes: {heavy}"


@pytest.fixture
def production_static(settings, tmp_path):
    """collectstatic with the production storage (hashed names, gzipped copies)."""
    from django.core.management import call_command

    from coprod import settings as production

    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { margin: 0; }\n" * 100)
    with override_settings(
        STORAGES=production.STORAGES,
        STATIC_ROOT=tmp_path / "collected",
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


def test_hashed_static_files_are_cached_for_good_and_sent_gzipped(production_static):
    from django.templatetags.static import static

    hashed = static("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", hashed)
    client = Client()  # made after collectstatic: WhiteNoise reads the files at start

    response = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip")
    unhashed = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" not in unhashed["Cache-Control"]
