from django import forms

from participants.models import Participant


class PrivateNotesForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = list(Participant.PRIVATE_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in Participant.PRIVATE_FIELDS}
