"""The questions a project starts its reviews with, in plain words (a group can change them).

Each is (question, hint, scale): the nine things the co-production guides ask
a group to look back on.
"""

from projects.models import Scale

DEFAULT_QUESTIONS: list[tuple[str, str, str]] = [
    ("What have we achieved together?", "Big or small: what are you glad we did?", Scale.WORDS),
    (
        "How far have we got with what we set out to do?",
        "Think of the steps we planned.",
        Scale.HOW_MUCH,
    ),
    ("Where could we do better?", "", Scale.WORDS),
    ("How well did we keep to the values we agreed?", "", Scale.HOW_WELL),
    ("How well did we work together?", "", Scale.HOW_WELL),
    ("What has being part of this done for you?", "Only if you want to say.", Scale.WORDS),
    ("How equal did it feel?", "Did everyone's voice count the same?", Scale.HOW_EQUAL),
    (
        "How much say did members have in the decisions?",
        "Who really decided things?",
        Scale.HOW_MUCH,
    ),
    ("What would we do differently next time?", "", Scale.WORDS),
]
