"""Amounts typed by people: one parser for every money field, never a guess."""

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.forms import BenefitsForm, ExpenseForm, RateCardForm
from payments.models import Claim
from payments.money import AmountError, pence_from_pounds


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("4.50", 450),
        ("4.5", 450),
        ("£4.50", 450),
        ("£ 4.50", 450),
        (" 12 ", 1200),
        ("0.99", 99),
        (".50", 50),
        ("1,250.00", 125_000),
        ("12,500", 1_250_000),
        ("1,000.01", 100_001),
        ("99,999.99", 9_999_999),
    ],
)
def test_plain_amounts_become_exact_pence(typed, pence):
    assert pence_from_pounds(typed) == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4,40", "Write pence after a full stop: 4.40"),
        ("12,50", "Write pence after a full stop: 12.50"),
        ("1,25", "Write pence after a full stop: 1.25"),
        ("4,4", "Write pence after a full stop: 4.40"),
        ("1.250,00", "Write pence after a full stop: 1250.00"),
    ],
)
def test_a_comma_used_as_a_decimal_point_is_refused_with_what_to_write(typed, message):
    with pytest.raises(AmountError) as error:
        pence_from_pounds(typed)
    assert str(error.value) == message


@pytest.mark.parametrize("typed", ["1,2,3", "1,2345", "12,50.00", ",500", "1,,000", "1000,000"])
def test_a_thousands_comma_out_of_place_is_refused(typed):
    with pytest.raises(AmountError, match=r"commas only between thousands|full stop"):
        pence_from_pounds(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "²",
        "4²",
        "\u0664.\u0665\u0660",  # Arabic-Indic digits
        "\uff14.\uff15\uff10",  # full-width digits
        "4.5\uff10",
        "1e3",
        "1E2",
        "NaN",
        "nan",
        "inf",
        "Infinity",
        "+4.50",
        "4.50-",
        "4-50",
        "\u22124.50",  # a Unicode minus
        "4 50",
        "4..50",
        "4.50.1",
        "£",
        ".",
        "0x10",
        "four",
        "1_000",
    ],
)
def test_anything_but_plain_digits_is_refused(typed):
    with pytest.raises(AmountError, match=r"pounds and pence|only numbers|minus|full stop"):
        pence_from_pounds(typed)


@pytest.mark.parametrize("typed", ["-4.50", "-£4.50", "£-4.50"])
def test_a_minus_sign_is_refused_plainly(typed):
    with pytest.raises(AmountError, match="without a minus sign"):
        pence_from_pounds(typed)


def test_more_than_two_numbers_of_pence_is_refused_not_rounded():
    with pytest.raises(AmountError, match="at most 2 numbers after the full stop"):
        pence_from_pounds("4.505")
    with pytest.raises(AmountError, match="at most 2 numbers after the full stop"):
        pence_from_pounds("4.500")


def test_amounts_beyond_the_stated_maximum_are_refused_saying_the_maximum():
    assert pence_from_pounds("500", maximum_pence=50_000) == 50_000
    with pytest.raises(AmountError, match=r"The most you can enter here is £500\.00\."):
        pence_from_pounds("500.01", maximum_pence=50_000)
    # A very long number is refused without being turned into a huge integer.
    with pytest.raises(AmountError, match=r"The most you can enter here is £100,000\.00"):
        pence_from_pounds("9" * 5000)
    with pytest.raises(AmountError, match="The most"):
        pence_from_pounds("12345678901234567890")


# --- Every money field uses the parser, with its own maximum -------------------------------


def money_forms(world):
    projects = world.project.__class__.objects.filter(pk=world.project.pk)
    return {
        "expense": (ExpenseForm, {"projects": projects}, "amount", "£500.00"),
        "limit": (BenefitsForm, {}, "limit", "£10,000.00"),
        "rate": (RateCardForm, {}, "hourly", "£999.99"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["expense", "limit", "rate"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4,40", "Write pence after a full stop: 4.40"),
        ("1,2,3", "Put commas only between thousands"),
        ("4²", "only numbers"),
        ("1e3", "only numbers"),
        ("NaN", "only numbers"),
        ("4.505", "at most 2 numbers after the full stop"),
        ("-4", "without a minus sign"),
    ],
)
def test_every_money_field_refuses_the_same_way(world, field, typed, message):
    form_class, kwargs, name, _ = money_forms(world)[field]
    form = form_class(data={name: typed}, **kwargs)
    form.is_valid()
    assert any(message in error for error in form.errors[name]), form.errors[name]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["expense", "limit", "rate"])
def test_every_money_field_states_its_maximum(world, field):
    form_class, kwargs, name, maximum = money_forms(world)[field]
    form = form_class(data={name: "100,000.00"}, **kwargs)
    form.is_valid()
    assert form.errors[name] == [f"The most you can enter here is {maximum}."]


@pytest.mark.django_db
def test_a_member_typing_4_comma_40_is_told_and_nothing_is_claimed(world, client_for):
    before = Claim.objects.count()
    response = client_for(world, "member").post(
        reverse("payments:expense_new", args=[world.membership.participant.pk]),
        {
            "project": world.project.pk,
            "expense": "travel",
            "amount": "4,40",
            "work_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Write pence after a full stop: 4.40" in response.content.decode()
    assert Claim.objects.count() == before


@pytest.mark.django_db
def test_a_paper_claim_for_1_comma_250_is_refused_as_over_the_expense_maximum(world, client_for):
    response = client_for(world, "coordinator").post(
        reverse("payments:expense_for", args=[world.offline.pk]),
        {
            "project": world.project.pk,
            "expense": "childcare",
            "amount": "1,250",
            "work_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "The most you can enter here is £500.00." in response.content.decode()
    assert not Claim.objects.filter(participant=world.offline).exists()


@pytest.mark.django_db
def test_a_saved_limit_is_shown_back_in_a_form_the_parser_reads_the_same(world, client_for):
    from payments import services

    jo = world.membership.participant
    services.benefits_save(
        participant=jo, by=None, benefits=[], limit_pence=125_001, period="month"
    )
    page = client_for(world, "member").get(reverse("payments:benefits", args=[jo.pk]))
    shown = page.context["form"].initial["limit"]
    assert shown == "1,250.01"
    assert pence_from_pounds(shown) == 125_001
