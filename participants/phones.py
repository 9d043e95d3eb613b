"""Phone numbers as people type them, made into one form we can text or call."""

import phonenumbers
from django.core.exceptions import ValidationError

DEFAULT_REGION = "GB"


def phone_normalise(text: str) -> str:
    """Return the number in international form (+447911123456), or "" for none.

    Accepts "07911 123456", "+44 7911 123456", "(0161) 496 0000" and so on.
    """
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            "This does not look like a phone number. Try writing it like 07911 123456."
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "This phone number is not complete or not real. Check the digits, "
            "for example 07911 123456."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_display(e164: str) -> str:
    """Show a stored number the way people write it (07911 123456 for UK numbers)."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, DEFAULT_REGION)
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
