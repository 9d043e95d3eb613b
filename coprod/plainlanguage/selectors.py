"""The plain-language check: advice for text members will read. It never blocks."""

import re
from dataclasses import dataclass, field

import textstat

from coprod.fields import LONGEST_TEXT
from coprod.plainlanguage.models import Term

ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,}s?\b")
# A reading age above this asks for shorter sentences and everyday words.
READING_AGE_TARGET = 12
# Flesch-Kincaid gives a US school grade; a UK reading age is about grade + 5.
GRADE_TO_AGE = 5
SHORTEST_TEXT_TO_GRADE = 12  # words; shorter texts give meaningless grades


@dataclass(frozen=True)
class Flag:
    phrase: str
    suggestion: str
    why: str


@dataclass
class Advice:
    flags: list[Flag] = field(default_factory=list)
    reading_age: int | None = None

    @property
    def too_hard(self) -> bool:
        return self.reading_age is not None and self.reading_age > READING_AGE_TARGET

    def __bool__(self):
        return bool(self.flags) or self.too_hard


def plain_language_terms() -> list[Term]:
    """Return the active terms, read once per check."""
    return list(Term.objects.filter(is_active=True))


def check_text(text: str, terms: list[Term] | None = None) -> Advice:
    """Flag jargon and unexplained acronyms and estimate a reading age for one text.

    Only the first LONGEST_TEXT characters are read: no field holds more, and
    the check is advice, so a longer text must not make a page slow.
    """
    text = (text or "").strip()[:LONGEST_TEXT]
    advice = Advice()
    if not text:
        return advice
    terms = plain_language_terms() if terms is None else terms
    known = {t.phrase.upper() for t in terms if t.kind == Term.Kind.KNOWN_ACRONYM}
    lowered = text.lower()
    claimed: list[range] = []
    # Longest first, so "stakeholder engagement" is flagged once, not also as "stakeholder".
    for term in sorted(terms, key=lambda t: -len(t.phrase)):
        if term.kind != Term.Kind.JARGON:
            continue
        pattern = r"(?<![\w-])" + re.escape(term.phrase.lower()) + r"(?![\w-])"
        spans = [range(*m.span()) for m in re.finditer(pattern, lowered)]
        fresh = [span for span in spans if not any(span.start in c for c in claimed)]
        if fresh:
            claimed.extend(fresh)
            advice.flags.append(Flag(term.phrase, term.suggestion, term.why))
    seen = set()
    for match in ACRONYM.finditer(text):
        acronym = match.group(0).removesuffix("s")
        if acronym in seen or acronym in known or is_explained(text, acronym):
            continue
        seen.add(acronym)
        advice.flags.append(
            Flag(
                acronym,
                "Write it out in full the first time, with the short form in brackets.",
                "Not everyone knows what the letters stand for.",
            )
        )
    if len(text.split()) >= SHORTEST_TEXT_TO_GRADE:
        grade = textstat.flesch_kincaid_grade(text)
        advice.reading_age = max(5, round(grade) + GRADE_TO_AGE)
    return advice


def is_explained(text: str, acronym: str) -> bool:
    """True when the text spells the acronym out.

    Either "Universal Credit (UC)" or "UC (Universal Credit)".
    """
    escaped = re.escape(acronym)
    return bool(
        re.search(rf"\(\s*{escaped}\s*\)", text)
        or re.search(rf"\b{escaped}\s*\([^)]{{4,}}\)", text)
    )


def check_fields(texts: dict[str, str]) -> dict[str, Advice]:
    """Check several texts with one read of the term list; keep only those with advice."""
    terms = plain_language_terms()
    results = {name: check_text(text, terms) for name, text in texts.items()}
    return {name: advice for name, advice in results.items() if advice}
