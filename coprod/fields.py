"""Form fields and bounds every app uses for dates, ids and text, so edge input is refused plainly.

Why bounds at all: a date in year 9999 overflows the moment a day is added to
it, year 1 makes every report scan two thousand years, and a 20-digit id is
too wide for the database to compare. People never mean those; they get a
message next to the field instead of a server error.
"""

import datetime
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

EARLIEST_YEAR = 1900
YEARS_AHEAD = 100
# The widest id any of our databases stores (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1
# The longest text we keep in any free-text field, unless a field says less.
LONGEST_TEXT = 5000

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def latest_date() -> datetime.date:
    """Return the last day anyone may type: 31 December, YEARS_AHEAD years from now."""
    return datetime.date(timezone.localdate().year + YEARS_AHEAD, 12, 31)


def date_bounds_message() -> str:
    return f"Choose a date between {EARLIEST_YEAR} and {latest_date().year}."


def check_date_in_bounds(value: datetime.date | None, field: str | None = None) -> None:
    """Raise ValidationError (on `field` when named) for a date outside the years we accept."""
    if value is None:
        return
    if value < datetime.date(EARLIEST_YEAR, 1, 1) or value > latest_date():
        message = date_bounds_message()
        raise ValidationError({field: message} if field else message)


class BoundedDateField(forms.DateField):
    """A date typed in a form, refused with a plain message outside EARLIEST_YEAR..YEARS_AHEAD."""

    widget = DATE_WIDGET
    default_error_messages = {"invalid": "Enter a real date, for example 27 3 2027."}

    def validate(self, value):
        super().validate(value)
        check_date_in_bounds(value)


class IdBoundsMixin:
    """Refuse an id wider than the database's integers before it is looked up."""

    error_messages: dict[str, Any]  # from the form field it is mixed into

    def _id_in_range(self, value) -> None:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return  # not a number: Django's own check answers it
        if abs(number) > LARGEST_ID:
            raise ValidationError(
                self.error_messages.get("invalid_choice", "Choose one of the options."),
                code="invalid_choice",
                params={"value": value},
            )


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A choice field's options read in one plain query.

    Django reads them through `QuerySet.iterator()`, which on PostgreSQL opens
    a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for lists
    of a few hundred rows at most; on the people list's filter form that was
    a third of the request.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def _attributes(attrs: dict) -> str:
    """HTML attributes in the order given, as Django's widget templates write them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
            for key, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class QuickSelect(forms.Select):
    """A <select> built in Python: the same markup as Django's, without a template per option.

    Django renders each option through two templates; a list of a few
    hundred projects took most of the people list's filter form.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # iter(): list() would first ask a model field's choices for len(), a COUNT query.
        choices = list(iter(self.choices))
        if self.allow_multiple_selected or any(
            isinstance(label, (list, tuple)) for _, label in choices
        ):
            return super().render(name, value, attrs, renderer)  # groups: Django's own
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            options,
        )


class ModelChoiceField(IdBoundsMixin, forms.ModelChoiceField):
    """Django's ModelChoiceField, safe for ids too wide for the database."""

    iterator = ListedChoiceIterator

    def to_python(self, value):
        if value not in self.empty_values:
            self._id_in_range(value)
        return super().to_python(value)


class ModelMultipleChoiceField(IdBoundsMixin, forms.ModelMultipleChoiceField):
    """Django's ModelMultipleChoiceField, safe for ids too wide for the database."""

    iterator = ListedChoiceIterator

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            return super()._check_values(value)
        for one in values:
            self._id_in_range(one)
        return super()._check_values(value)


def parse_id(value) -> int | None:
    """Read an id sent by a page: a whole number the database can hold, else None."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdecimal():
        return None
    number = int(text)
    return number if 0 < number <= LARGEST_ID else None


def too_long_message(limit: int, length: int) -> str:
    return f"This is {length:,} characters long. Keep it to {limit:,} or fewer."


def check_length(value: str | None, limit: int, field: str | None = None) -> str:
    """Return the text stripped, or raise ValidationError when it is longer than `limit`.

    Services call this instead of cutting text short: a cut loses what
    someone wrote without telling them.
    """
    text = (value or "").strip()
    if len(text) > limit:
        message = too_long_message(limit, len(text))
        raise ValidationError({field: message} if field else message)
    return text


class LimitedCharField(forms.CharField):
    """A text field with a stated limit that refuses longer text with a plain message.

    The page does not carry the limit as `maxlength`: browsers would then cut
    a long paste short without a word. The server says how long it is instead.
    """

    def __init__(self, *, max_length: int | None = None, **kwargs) -> None:
        super().__init__(max_length=max_length or LONGEST_TEXT, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)
        ]

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.max_length:
            raise ValidationError(too_long_message(self.max_length, len(value)), code="max_length")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def limited_formfield(model_field, **kwargs):
    """Make a ModelForm's text fields LimitedCharFields, with the column's limit or ours."""
    if isinstance(model_field, models.CharField | models.TextField) and not model_field.choices:
        limit = model_field.max_length or LONGEST_TEXT
        return model_field.formfield(form_class=LimitedCharField, max_length=limit, **kwargs)
    return model_field.formfield(**kwargs)


class ModelForm(forms.ModelForm):
    """Django's ModelForm whose text fields state and enforce a limit (see LimitedCharField)."""

    def __init_subclass__(cls, **kwargs):
        # Runs before Django reads the subclass's Meta, which does not inherit
        # a callback from a parent form's Meta by itself.
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(limited_formfield)
        super().__init_subclass__(**kwargs)
