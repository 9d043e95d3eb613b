import datetime

from django import forms
from django.utils import timezone

from coprod.fields import BoundedDateField, LimitedCharField, ModelMultipleChoiceField
from projects.forms import DATE


class PeriodForm(forms.Form):
    """The date range of a report. Empty means the project's life so far."""

    start = BoundedDateField(label="From", required=False, widget=DATE)
    end = BoundedDateField(label="To", required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(
                "The end date is before the start date. Choose an end date on or after the start.",
                code="order",
            )
        return data


class FunderAccessForm(forms.Form):
    email = forms.EmailField(label="Funder's email address")
    name = LimitedCharField(label="Their name", max_length=150, required=False)
    projects = ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Projects they may read reports on",
    )
    expires_on = BoundedDateField(
        label="Access ends on",
        widget=DATE,
        help_text="They can read the reports until the end of this day.",
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=365)
