"""Rebuild Bootstrap with only the rules Coprod's pages can use (issue 18).

    python scripts/purge_bootstrap.py          # write the purged file
    python scripts/purge_bootstrap.py --check  # exit 1 if the committed file is stale

Full Bootstrap is 232 KB (31 KB gzipped) and the templates use about a hundred
of its two thousand classes, so every page loads `bootstrap.purged.min.css`,
which this script writes from the full file beside it. Run it after adding a
Bootstrap class to a template, a crispy form or Python code (`make css`);
tests/test_page_weight.py fails until you do.

What is kept, and why it is safe:
- Every word that appears anywhere in our templates, our Python and our
  JavaScript, in the crispy-bootstrap5 templates our forms are drawn with and
  in crispy-forms' template tags counts as a class that may be used
  (PurgeCSS's default extractor does the same). That is more than the
  classes really used, so a class written in Python or in a template tag is
  still found; the cost is a few extra rules.
- A selector is kept when every class it names outside brackets is such a
  word. Classes inside brackets (`:not(.btn-check)`, `:nth-child(...)`) never
  make a selector go: at worst a rule stays that no page needs.
- Selectors with Bootstrap's JavaScript hooks (`[data-bs-theme=dark]`,
  `[data-bs-popper]`, ...) go unless that attribute appears in our sources:
  Coprod loads none of Bootstrap's JavaScript and has no dark mode.
- Selectors naming no class (reboot: `body`, `h1`, `:root` with every
  `--bs-*` variable coprod.css builds on) are kept as they are.
- @media blocks are purged inside and dropped when empty; @keyframes are kept
  when a kept rule names them; comments starting `/*!` (the licence) stay.

No CSS library is needed: Bootstrap's minified file is split into rules by
a small scanner that knows strings, comments, escapes and brackets.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{name} is not installed: run make install")
    return Path(spec.origin).parent


BOOTSTRAP_DIR = ROOT / "static" / "vendor" / "bootstrap-5.3.9"
FULL = BOOTSTRAP_DIR / "bootstrap.min.css"
PURGED = BOOTSTRAP_DIR / "bootstrap.purged.min.css"
# The report pages' bar charts (members read reports on their phones too).
CHARTS_DIR = ROOT / "static" / "vendor" / "charts.css-1.2.0"
CHARTS_FULL = CHARTS_DIR / "charts.min.css"
CHARTS_PURGED = CHARTS_DIR / "charts.purged.min.css"
# Every (full file, purged file) this script keeps.
FILES = ((FULL, PURGED), (CHARTS_FULL, CHARTS_PURGED))

# Where a Bootstrap class can come from: our pages, scripts and Python, and
# the crispy templates our forms are drawn with (`|crispy` and
# `|as_crispy_field`), with everything they include, and the crispy Python
# that adds classes to widgets. Crispy's unused layouts (modals, tabs,
# accordions) are left out.
SOURCE_DIRS: tuple[tuple[Path, tuple[str, ...]], ...] = (
    (ROOT / "templates", (".html", ".txt")),
    (ROOT / "static" / "js", (".js",)),
    (ROOT / "coprod", (".py",)),
    (ROOT / "participants", (".py",)),
    (ROOT / "projects", (".py",)),
    (ROOT / "payments", (".py",)),
    (_package_dir("crispy_forms") / "templatetags", (".py",)),
)
CRISPY_TEMPLATES = _package_dir("crispy_bootstrap5") / "templates"
CRISPY_ENTRY_TEMPLATES = ("bootstrap5/uni_form.html", "bootstrap5/field.html")
_INCLUDE = re.compile(r"""{%\s*include\s+["']([^"']+)["']""")

HEADER = (
    "/* Purged by scripts/purge_bootstrap.py from {name}: only the rules"
    " Coprod's templates can use. Do not edit; run the script again. */\n"
)

_WORD = re.compile(r"[A-Za-z0-9_-]+")
_CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")
_JS_HOOK = re.compile(r"\[\s*(data-bs-[A-Za-z0-9-]+)")
_GROUPING_AT_RULES = ("@media", "@supports", "@container", "@layer")
_KEYFRAMES = re.compile(r"@(?:-webkit-)?keyframes\s+([A-Za-z0-9_-]+)")


@dataclass
class Rule:
    """A qualified rule (selectors and declarations) or an at-rule with a block."""

    prelude: str
    body: str
    children: list[Node] | None = None  # set for @media and other grouping rules


@dataclass
class Statement:
    """An at-rule without a block (@charset) or a comment, kept as written."""

    text: str


Node = Rule | Statement


def _string_end(css: str, i: int) -> int:
    """Index just past the string that starts at css[i]."""
    quote = css[i]
    i += 1
    while i < len(css):
        if css[i] == "\\":
            i += 2
        elif css[i] == quote:
            return i + 1
        else:
            i += 1
    raise ValueError("unterminated string in CSS")


def _scan(css: str, i: int, end: int, stops: str) -> int:
    """Index of the first character in stops outside strings, comments and brackets."""
    depth = 0
    while i < end:
        c = css[i]
        if c == "\\":
            i += 2
            continue
        if c in "\"'":
            i = _string_end(css, i)
            continue
        if c == "/" and css.startswith("/*", i):
            i = css.index("*/", i + 2) + 2
            continue
        if depth == 0 and c in stops:
            return i
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        i += 1
    return end


def _block_end(css: str, i: int, end: int) -> int:
    """Index of the '}' closing the block whose '{' is just before css[i]."""
    depth = 1
    while True:
        j = _scan(css, i, end, "{}")
        if j >= end:
            raise ValueError("unbalanced braces in CSS")
        depth += 1 if css[j] == "{" else -1
        if depth == 0:
            return j
        i = j + 1


def parse(css: str, start: int = 0, end: int | None = None) -> list[Node]:
    """Split a stylesheet (or an @media block's inside) into rules and statements."""
    end = len(css) if end is None else end
    nodes: list[Node] = []
    i = start
    while i < end:
        if css[i].isspace():
            i += 1
            continue
        if css.startswith("/*", i):
            j = css.index("*/", i + 2) + 2
            nodes.append(Statement(css[i:j]))
            i = j
            continue
        j = _scan(css, i, end, "{;")
        if j >= end:
            raise ValueError(f"CSS ends inside a rule: {css[i : i + 60]!r}")
        if css[j] == ";":
            nodes.append(Statement(css[i : j + 1]))
            i = j + 1
            continue
        k = _block_end(css, j + 1, end)
        prelude = css[i:j].strip()
        rule = Rule(prelude, css[j + 1 : k])
        if prelude.startswith(_GROUPING_AT_RULES):
            rule.children = parse(css, j + 1, k)
        nodes.append(rule)
        i = k + 1
    return nodes


def _top_level(selector: str) -> str:
    """The selector with strings and everything inside brackets removed."""
    out = []
    depth = 0
    i = 0
    while i < len(selector):
        c = selector[i]
        if c == "\\":
            if depth == 0:
                out.append(selector[i : i + 2])
            i += 2
            continue
        if c in "\"'":
            i = _string_end(selector, i)
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif depth == 0:
            out.append(c)
        i += 1
    return "".join(out)


def split_selectors(prelude: str) -> list[str]:
    """The selectors of a selector list, split at its top-level commas."""
    parts = []
    i = 0
    while True:
        j = _scan(prelude, i, len(prelude), ",")
        parts.append(prelude[i:j].strip())
        if j >= len(prelude):
            return parts
        i = j + 1


def selector_needs(selector: str) -> set[str]:
    """The classes and Bootstrap JavaScript hooks a page must use for selector to match."""
    needs = set(_CLASS.findall(_top_level(selector)))
    needs.update(_JS_HOOK.findall(selector))
    return needs


def words_in_sources(sources: Iterable[Path] | None = None) -> set[str]:
    """Every word in the files a Bootstrap class can come from."""
    words: set[str] = set()
    for path in sources if sources is not None else source_files():
        words.update(_WORD.findall(path.read_text(encoding="utf-8")))
    return words


def source_files() -> Iterator[Path]:
    """The templates, scripts and Python a Bootstrap class can come from."""
    for folder, suffixes in SOURCE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts and path.is_file():
                yield path
    yield from crispy_templates_used()


def crispy_templates_used() -> list[Path]:
    """Crispy's templates our forms render: the entry points and all they include."""
    seen: list[Path] = []
    waiting = list(CRISPY_ENTRY_TEMPLATES)
    while waiting:
        path = CRISPY_TEMPLATES / waiting.pop()
        if path not in seen:
            seen.append(path)
            waiting.extend(_INCLUDE.findall(path.read_text(encoding="utf-8")))
    return sorted(seen)


def _purge_nodes(nodes: list[Node], used: set[str]) -> list[Node]:
    kept: list[Node] = []
    for node in nodes:
        if isinstance(node, Statement):
            if not node.text.startswith("/*") or node.text.startswith("/*!"):
                kept.append(node)
        elif node.children is not None:
            children = _purge_nodes(node.children, used)
            if any(isinstance(child, Rule) for child in children):
                kept.append(Rule(node.prelude, node.body, children))
        elif node.prelude.startswith("@"):
            kept.append(node)  # @keyframes and the like: judged after the rules
        else:
            selectors = [s for s in split_selectors(node.prelude) if selector_needs(s) <= used]
            if selectors:
                kept.append(Rule(",".join(selectors), node.body))
    return kept


def _keyframes_used(nodes: list[Node], text: str) -> list[Node]:
    kept: list[Node] = []
    for node in nodes:
        if isinstance(node, Rule) and node.children is not None:
            node = Rule(node.prelude, node.body, _keyframes_used(node.children, text))
        elif (
            isinstance(node, Rule)
            and (match := _KEYFRAMES.match(node.prelude))
            and not re.search(rf"(?<![\w-]){re.escape(match.group(1))}(?![\w-])", text)
        ):
            continue
        kept.append(node)
    return kept


def serialise(nodes: Sequence[Node]) -> str:
    """The nodes written back as minified CSS."""
    out = []
    for node in nodes:
        if isinstance(node, Statement):
            out.append(node.text)
        elif node.children is not None:
            out.append(f"{node.prelude}{{{serialise(node.children)}}}")
        else:
            out.append(f"{node.prelude}{{{node.body}}}")
    return "".join(out)


def purge(css: str, used: set[str], *, name: str = "bootstrap.min.css") -> str:
    """A vendor's css with only the rules a page using these words can match."""
    nodes = _purge_nodes(parse(css), used)
    without_keyframes = serialise(
        [n for n in nodes if not (isinstance(n, Rule) and _KEYFRAMES.match(n.prelude))]
    )
    nodes = _keyframes_used(nodes, without_keyframes)
    charset = [n for n in nodes if isinstance(n, Statement) and n.text.startswith("@charset")]
    rest = [n for n in nodes if n not in charset]
    # @charset must stay the very first thing in the file.
    return serialise(charset) + HEADER.format(name=name) + serialise(rest) + "\n"


def build(full: Path = FULL) -> str:
    """A purged file's contents, from its full file and today's sources."""
    return purge(full.read_text(encoding="utf-8"), words_in_sources(), name=full.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is stale")
    args = parser.parse_args(argv)
    stale = 0
    for full, purged in FILES:
        css = build(full)
        if args.check:
            if not purged.exists() or purged.read_text(encoding="utf-8") != css:
                name = purged.relative_to(ROOT)
                print(f"{name} is stale: run make css (scripts/purge_bootstrap.py)")
                stale = 1
            continue
        purged.write_text(css, encoding="utf-8")
        print(
            f"wrote {purged.relative_to(ROOT)}: {len(css.encode()):,} bytes "
            f"(from {full.stat().st_size:,})"
        )
    return stale


if __name__ == "__main__":
    sys.exit(main())
