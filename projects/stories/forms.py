"""Forms for stories: input shape only (the services decide what is allowed)."""

from django import forms

from coprod.fields import LimitedCharField, ModelChoiceField, ModelMultipleChoiceField
from coprod.uploads import STORY_FILES
from coprod.versions import VersionedFormMixin
from participants.models import Participant
from projects.models import StoryNaming, StoryReach
from projects.stories import services

TEXT = forms.Textarea(attrs={"rows": 3})


class TellerChoiceField(ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.story_requests == Participant.StoryRequests.DO_NOT_ASK:
            return f"{obj.preferred_name} (asked not to be asked for their story)"
        return obj.preferred_name


class StoryForm(forms.Form):
    title = LimitedCharField(
        label="A short name for the story",
        max_length=services.TITLE_MAX,
        help_text="For example: Finding somewhere to live.",
    )
    words = LimitedCharField(
        label="The story, in the teller's own words",
        max_length=services.WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Write as much or as little as you like. Or add a recording or a photo below.",
    )
    file = forms.FileField(
        label="A recording or a photo (optional)",
        required=False,
        help_text="A sound recording (MP3, M4A, OGG, WAV, AMR, 3GP) or a photo (JPEG, PNG, "
        "GIF, WebP).",
        widget=forms.ClearableFileInput(
            # "audio/*" and "image/*" let a phone offer its recorder and camera too.
            attrs={
                "accept": ",".join(
                    ["audio/*", "image/*"]
                    + [f".{ext}" for kind in STORY_FILES for ext in kind.extensions]
                )
            }
        ),
    )

    def __init__(self, *args, tellers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tellers is not None:
            # A lead or peer reporter writes a story down with its teller.
            self.fields = {
                "teller": TellerChoiceField(
                    label="Whose story is it?",
                    queryset=tellers,
                    empty_label="Choose the person telling it",
                ),
                **self.fields,
                "teller_present": forms.BooleanField(
                    label="They are here with me and want to tell this story",
                    required=False,
                ),
            }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "words": data["words"],
            "upload": data.get("file") or None,
            "teller_present": data.get("teller_present", False),
        }


class ChoicesForm(VersionedFormMixin, forms.Form):
    reach = forms.ChoiceField(
        label="Who may see it?",
        choices=StoryReach.choices,
        widget=forms.RadioSelect,
        help_text="Outside this project, people see only the quotes you approve, the themes "
        "and what changed. Never the whole story, the recording or the photo.",
    )
    naming = forms.ChoiceField(
        label="How are you named with it?",
        choices=StoryNaming.choices,
        widget=forms.RadioSelect,
    )


class CurateForm(VersionedFormMixin, forms.Form):
    themes = ModelMultipleChoiceField(
        label="Themes",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_themes = LimitedCharField(
        label="Add themes of your own (optional)",
        max_length=500,
        required=False,
        help_text="Separate them with commas. For example: housing, being listened to.",
    )
    changed_for_person = LimitedCharField(
        label="What changed for the person",
        max_length=services.CHANGED_MAX,
        required=False,
        widget=TEXT,
    )
    changed_for_organisation = LimitedCharField(
        label="What changed for the organisation",
        max_length=services.CHANGED_MAX,
        required=False,
        widget=TEXT,
    )
    changed_for_society = LimitedCharField(
        label="What changed for society",
        max_length=services.CHANGED_MAX,
        required=False,
        widget=TEXT,
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes  # type: ignore[attr-defined]


class QuoteForm(forms.Form):
    words = LimitedCharField(
        label="The words to quote",
        max_length=services.QUOTE_MAX,
        widget=TEXT,
        help_text="Copy them from the story as they were said. "
        "They go beyond the group only once the teller says yes.",
    )


class AskForm(forms.Form):
    participant = TellerChoiceField(
        label="Who would you like to ask?", queryset=None, empty_label="Choose someone"
    )
    note = LimitedCharField(
        label="What you would like to hear about (optional)",
        max_length=services.NOTE_MAX,
        required=False,
        widget=TEXT,
        help_text="For example: how the new drop-in has been for you.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = people  # type: ignore[attr-defined]
