"""Version stamps, so a page opened before someone else's change never overwrites it.

A page that edits something carries a stamp of what it showed: one object's
saved values, or a list of rows' ids and saved values. When it is posted, the
service locks what it is about to change (select_for_update), works the stamp
out again and refuses the save with `STALE` when the two differ. The view then
shows the page again as it is now saved, with what the person typed below it,
so they can add it again; nothing of theirs or anyone else's is lost.

The stamp is a keyed digest (HMAC with the secret key) of the saved values, not
the values themselves, so a page never carries anything its reader cannot see,
and nobody can work a hidden value out from its stamp. A post with no stamp at
all (a script or an older test) is not checked; every page sends one.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.crypto import salted_hmac

if TYPE_CHECKING:  # what the mixins are mixed into, for mypy only
    from django.views.generic import FormView

    _FormBase = forms.BaseForm
    _FormViewBase = FormView[Any]
else:
    _FormBase = _FormViewBase = object

STALE = "stale"
VERSION_FIELD = "version"
# Never part of a stamp: it moves on every save, even when nothing a page shows changed.
UNSTAMPED = frozenset({"updated_at"})


def _values(obj: models.Model, fields: Iterable[str] | None) -> list:
    opts = obj._meta
    names = list(fields) if fields is not None else None
    values: list = [obj.pk]
    for field in [*opts.concrete_fields, *opts.many_to_many]:
        if field.name in UNSTAMPED or (names is not None and field.name not in names):
            continue
        if field.many_to_many:
            values.append(sorted(getattr(obj, field.name).values_list("pk", flat=True)))
        else:
            values.append(getattr(obj, field.attname))
    return values


def _digest(values: list) -> str:
    return salted_hmac("coprod.versions", repr(values)).hexdigest()[:32]


def version_of(obj: models.Model, fields: Iterable[str] | None = None) -> str:
    """Stamp one saved object: the values of `fields` (all of them when None)."""
    return _digest(_values(obj, fields))


def rows_version(rows: Iterable[models.Model], fields: Iterable[str] | None = None) -> str:
    """Stamp a list of saved rows: which rows there are and what each holds."""
    names = list(fields) if fields is not None else None
    return _digest(sorted((_values(row, names) for row in rows), key=lambda values: values[0]))


def stale_error(what: str) -> ValidationError:
    return ValidationError(stale_message(what), code=STALE)


def stale_message(what: str) -> str:
    return (
        f"Someone else changed {what} while you had this page open. We have not saved yours, "
        "so nothing of theirs is lost. Here they are now; what you typed is shown below so "
        "you can add it again."
    )


def check_version(current: str, seen: str | None, *, what: str) -> None:
    """Refuse (code STALE) a save made from a page that showed another version.

    Call it in the service, after locking the rows with select_for_update, with
    the stamp worked out from the locked rows. `seen` None means the caller
    sent no stamp at all (not a page), and is not checked.
    """
    if seen is not None and seen != current:
        raise stale_error(what)


def is_stale(error: ValidationError) -> bool:
    """Say whether a service refused the save because the page was out of date."""
    if hasattr(error, "error_dict"):
        return any(is_stale(one) for one in error.error_dict.get(NON_FIELD_ERRORS, []))
    return any(one.code == STALE for one in error.error_list)


def seen_version(data, prefix: str | None = None) -> str | None:
    """Read the stamp a page posted back: None if it sent none, else the text (maybe wrong)."""
    name = f"{prefix}-{VERSION_FIELD}" if prefix else VERSION_FIELD
    if name not in data:
        return None
    return str(data.get(name) or "")[:64]


class VersionForm(forms.Form):
    """The stamp of a list of rows, sent beside a formset in the same <form>."""

    # No length limit: an odd stamp is a stale page, told so, never a form error nobody sees.
    version = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def __init__(self, *args, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version

    def seen(self) -> str | None:
        return seen_version(self.data, self.prefix)


class VersionedFormMixin(_FormBase):
    """A form that carries the stamp of what it edits, in a hidden field named "version".

    A ModelForm editing a saved instance stamps it itself: `version_fields`
    names the fields its service writes (None: all of them), and the service
    must stamp with the same names. A plain form is given `version=` by its
    view. `cleaned_data["version"]` is None when the post carried no stamp.
    """

    version_fields: Sequence[str] | None = None

    def __init__(self, *args, version: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is None:
            return  # a ModelForm adding something: nothing saved to be stale
        if version is None and instance is not None:
            version = version_of(instance, self.version_fields)
        # On the field, not in form.initial: a form may replace its initial dict.
        self.fields[VERSION_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, strip=False, initial=version or ""
        )

    def clean(self):
        cleaned = super().clean()
        if VERSION_FIELD in self.fields:
            cleaned[VERSION_FIELD] = seen_version(self.data, self.prefix)
        return cleaned


def typed_values(form: forms.BaseForm) -> list[tuple[str, str]]:
    """What someone typed into a form, as (label, text) pairs, for showing back to them."""
    typed = []
    for bound in form:
        if bound.is_hidden or bound.name == VERSION_FIELD:
            continue
        field = bound.field
        key = bound.html_name
        given = form.data.getlist(key) if hasattr(form.data, "getlist") else [form.data.get(key)]
        raw = [str(value) for value in given if value not in (None, "")]
        if not raw:
            continue
        if isinstance(field, forms.BooleanField):
            text = "Yes" if field.to_python(raw[-1]) else ""
        elif getattr(field, "choices", None) is not None:
            labels = {str(value): str(label) for value, label in _flat_choices(field)}
            text = ", ".join(labels.get(value, value) for value in raw)
        else:
            text = raw[-1]
        if text:
            typed.append((str(bound.label), text))
    return typed


def _flat_choices(field) -> list:
    flat: list = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):
            flat.extend(label)
        else:
            flat.append((getattr(value, "value", value), label))
    return flat


def typed_rows(forms_: Iterable[forms.BaseForm]) -> list[list[tuple[str, str]]]:
    """What someone typed into each row of a formset, skipping rows left empty."""
    return [rows for rows in (typed_values(form) for form in forms_) if rows]


class StaleFormMixin(_FormViewBase):
    """For a FormView: when the service says the page was stale, show it again as saved now.

    The person's own words go below, under "What you typed", and the message
    above says what happened. `stale_what` names what someone else changed.
    """

    stale_what = "this"

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, code=STALE):
            return self.stale_response(typed=[typed_values(form)])
        return super().form_invalid(form)

    def forget_saved(self) -> None:
        """Drop anything the view read before the save was refused, so it reads it again."""

    def stale_response(self, *, typed: list[list[tuple[str, str]]]):
        messages.warning(self.request, stale_message(self.stale_what))
        self.forget_saved()
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        instance = kwargs.get("instance")
        if instance is not None and instance.pk is not None:
            # The bound form wrote what was typed onto it; read what is saved.
            instance.refresh_from_db()
        fresh = self.get_form_class()(**kwargs)
        return self.render_to_response(self.get_context_data(form=fresh, stale_typed=typed))


def add_stale_notice(request, what: str) -> None:
    messages.warning(request, stale_message(what))
