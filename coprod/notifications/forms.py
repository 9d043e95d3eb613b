from django import forms

from coprod.fields import LimitedCharField


class ReminderRuleForm(forms.Form):
    rule = forms.Field(widget=forms.HiddenInput, required=False)
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


ReminderRuleFormSet = forms.formset_factory(ReminderRuleForm, extra=1, max_num=10)
