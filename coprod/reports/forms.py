import datetime

from django import forms
from django.utils import timezone

from coprod.fields import BoundedDateField, LimitedCharField, ModelMultipleChoiceField
from coprod.reports import periods
from coprod.reports.periods import Period
from projects.forms import DATE


class PeriodForm(forms.Form):
    """Which of the project's fixed periods a report covers. Empty means its whole life.

    There are no dates to type: two overlapping date ranges could be
    subtracted to find out about one person (see coprod/reports/periods.py).
    """

    # A choice from a list, read by periods.parse: its own message covers any text.
    period = forms.CharField(
        label="Period",
        required=False,
        widget=forms.Select,
        help_text="Financial years run from 1 April to 31 March. Quarters and months "
        "fall inside them.",
    )

    def __init__(self, *args, whole: Period, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.whole = whole
        options = periods.choices(whole)
        by_level = lambda level: [(p.key, p.label) for p in options if p.level == level]  # noqa: E731
        self.fields["period"].widget.choices = [
            (whole.key, whole.label),
            ("Financial years", by_level("year")),
            ("Quarters", by_level("quarter")),
            ("Months", by_level("month")),
        ]

    def groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """(group label, [(key, label, selected)]) for the select: the whole life has no group."""
        chosen = str(self.data.get("period") or periods.LIFE).strip().lower()
        result = []
        for group, options in self.fields["period"].widget.choices:
            if isinstance(options, str):
                result.append(("", [(group, options, group == chosen)]))
            else:
                result.append((group, [(key, label, key == chosen) for key, label in options]))
        return result

    def clean_period(self) -> Period:
        return periods.parse(self.cleaned_data["period"], self.whole)

    def clean(self):
        data = super().clean()
        if "start" in self.data or "end" in self.data:
            raise forms.ValidationError(
                "Reports no longer take dates you type. Choose a period from the list: "
                "the whole life, a financial year, a quarter or a month.",
                code="dates",
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
