from django import forms

from projects.models import Project


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class ProjectCreateForm(ProjectForm):
    organisation = forms.ModelChoiceField(queryset=None, empty_label=None)

    class Meta(ProjectForm.Meta):
        fields = ["organisation", "title", "summary"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            # Most coordinators work for one organisation: do not ask.
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations.get().pk
