from django import forms

from coprod.fields import LimitedCharField, parse_id


class ReminderRuleForm(forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput, required=False)
    label = LimitedCharField(label="Name", max_length=60, required=False)
    hours_before = forms.DecimalField(
        label="Hours before the meeting",
        min_value=0.25,
        max_value=24 * 14,
        decimal_places=2,
        required=False,
        help_text="For example 48 for 2 days, 2 for 2 hours.",
    )
    sms_only = forms.BooleanField(label="Only by text message", required=False)
    active = forms.BooleanField(label="Send this reminder", required=False, initial=True)

    def clean_rule(self) -> int | None:
        """The rule's id: None for a new reminder; anything else that is no id is refused."""
        text = self.cleaned_data["rule"].strip()
        if not text:
            return None
        rule_id = parse_id(text)
        if rule_id is None:
            raise forms.ValidationError(
                "This reminder could not be found. Open the page again.", code="invalid_choice"
            )
        return rule_id


ReminderRuleFormSet = forms.formset_factory(ReminderRuleForm, extra=1, max_num=10)
