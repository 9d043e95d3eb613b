"""Page weight (issue 18): Bootstrap is purged to the classes Coprod uses."""

import re

from django.urls import reverse

from scripts import purge_bootstrap

# --- The purged Bootstrap -----------------------------------------------------


def test_the_committed_purged_bootstrap_is_what_the_script_builds_today():
    """A template with a new class needs the file rebuilt: make css."""
    assert purge_bootstrap.PURGED.read_text(encoding="utf-8") == purge_bootstrap.build(), (
        "bootstrap.purged.min.css is stale: run make css (scripts/purge_bootstrap.py)"
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
        + purge_bootstrap.HEADER
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
