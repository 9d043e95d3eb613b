from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from django import forms


class LoginForm(AllauthLoginForm):
    """allauth's login form with labels only: placeholders vanish as people type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["login"].label = "Email"
        self.fields["login"].widget.attrs["autocomplete"] = "email"
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Your email address"
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs["autocomplete"] = "email"


class ConfirmLoginCodeForm(AllauthConfirmLoginCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = "The 6-digit code from the email"
        field.widget.attrs.pop("placeholder", None)
        # A number pad on phones; pasting "123 456" still works (allauth strips spaces).
        field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})


def organisation_choice(field, organisations) -> None:
    """Offer `organisations` in a choice field, and do not ask when there is only one.

    Most staff work for one organisation; asking them would be noise.
    """
    field.queryset = organisations
    if organisations.count() == 1:
        field.widget = forms.HiddenInput()
        field.initial = organisations.get().pk
