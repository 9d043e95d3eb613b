import pytest

from coprod.plainlanguage.models import Term
from coprod.plainlanguage.selectors import READING_AGE_TARGET, check_text

pytestmark = pytest.mark.django_db


def flagged(text):
    return [flag.phrase for flag in check_text(text).flags]


def test_jargon_from_the_list_is_flagged_with_a_plainer_way_to_say_it():
    advice = check_text("We will reach hard to reach groups.")
    assert [(f.phrase, f.suggestion) for f in advice.flags] == [
        ("hard to reach", "people we have not reached yet")
    ]


def test_a_longer_phrase_is_flagged_once_not_also_its_parts():
    assert flagged("Our stakeholder engagement plan.") == ["stakeholder engagement"]
    assert flagged("Each stakeholder matters.") == ["stakeholder"]


def test_words_inside_other_words_are_not_flagged():
    assert flagged("The pathways team") == []  # "pathway" only as a whole word


def test_unexplained_acronyms_are_flagged_and_explained_ones_are_not():
    assert flagged("Tell the DWP about it.") == ["DWP"]
    assert flagged("Tell the Department for Work and Pensions (DWP) about it.") == []
    assert flagged("Your UC (Universal Credit) is safe.") == []
    assert flagged("Your GP and the NHS.") == []  # known to most people


def test_the_list_is_data_admins_can_change():
    Term.objects.create(phrase="co-produce", suggestion="do together")
    assert flagged("We co-produce it.") == ["co-produce"]
    Term.objects.filter(phrase="hard to reach").update(is_active=False)
    assert flagged("hard to reach") == []


def test_hard_text_gets_a_reading_age_and_plain_text_does_not_worry_anyone():
    hard = (
        "Operationalisation of multi-agency governance frameworks necessitates comprehensive "
        "interdepartmental collaboration, notwithstanding considerable organisational complexity."
    )
    easy = "We meet on Tuesdays. We talk about what works. We change what does not. Tea is free."
    assert check_text(hard).reading_age > READING_AGE_TARGET
    assert check_text(hard).too_hard
    assert not check_text(easy)


def test_empty_and_very_short_texts_get_no_grade():
    assert check_text("").reading_age is None
    assert check_text("   ").reading_age is None
    assert check_text("Be kind.").reading_age is None
