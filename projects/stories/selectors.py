"""Reading stories: the group's list, one story, and the voices its tellers released.

Everything beyond the group goes through `released_voices`: it reads only
stories whose teller chose that place and has not taken them back, and only
the quotes the teller approved. Nothing is kept in a cache, so taking a story
back removes it from the next page anyone opens.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from participants.models import ProjectMembership
from projects.models import Project, Story, StoryQuote, StoryReach, StoryTheme, StoryUse

# Where each place may take a story from.
REACHES: dict[str, tuple[str, ...]] = {
    StoryReach.FUNDER: (StoryReach.FUNDER, StoryReach.PUBLIC),
    StoryReach.PUBLIC: (StoryReach.PUBLIC,),
}


def _with_parts(stories: QuerySet[Story]) -> QuerySet[Story]:
    return stories.select_related("teller", "project").prefetch_related(
        Prefetch("themes", queryset=StoryTheme.objects.order_by("name")),
        Prefetch("quotes", queryset=StoryQuote.objects.order_by("created_at", "pk")),
    )


def stories_for_project(project: Project, *, teller=None) -> list[Story]:
    """The group's stories, newest first, and the viewer's own taken-back ones."""
    shown = Q(withdrawn_at__isnull=True)
    if teller is not None:
        shown |= Q(teller=teller)
    return list(_with_parts(Story.objects.filter(shown, project=project)))


def story_get(project: Project, pk) -> Story:
    return get_object_or_404(_with_parts(Story.objects.filter(project=project)), pk=pk)


def story_uses(story: Story) -> list[StoryUse]:
    return list(story.uses.order_by("-on", "pk"))


def themes_of(organisation) -> QuerySet[StoryTheme]:
    return StoryTheme.objects.filter(organisation=organisation).order_by("name")


def askable_people(project: Project) -> QuerySet:
    """Who a story request may go to: the project's active members, with their choice."""
    return ProjectMembership.objects.filter(
        project=project, status=ProjectMembership.Status.ACTIVE
    ).select_related("participant")


@dataclass
class Voice:
    """One released story as a reader beyond the group sees it."""

    story: Story
    told_by: str
    quotes: list[StoryQuote]
    themes: list[str]
    changed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Voices:
    voices: list[Voice]
    themes: list[tuple[str, int]]  # (theme, how many released stories have it), most first

    @property
    def stories(self) -> list[Story]:
        return [voice.story for voice in self.voices]


def released_voices(project: Project, place: str) -> Voices:
    """The stories and approved quotes their tellers released to `place` (funder or public).

    Three queries whatever the number of stories (stories, themes, quotes).
    """
    stories = _with_parts(
        Story.objects.filter(
            project=project, withdrawn_at__isnull=True, reach__in=REACHES[place]
        ).order_by("-created_at", "-pk")
    )
    voices = []
    counted: Counter[str] = Counter()
    for story in stories:
        themes = [theme.name for theme in story.themes.all()]
        counted.update(themes)
        voices.append(
            Voice(
                story=story,
                told_by=story.told_by(),
                quotes=[quote for quote in story.quotes.all() if quote.approved_at is not None],
                themes=themes,
                changed=[
                    (label, text)
                    for label, text in (
                        ("For the person", story.changed_for_person),
                        ("For the organisation", story.changed_for_organisation),
                        ("For society", story.changed_for_society),
                    )
                    if text
                ],
            )
        )
    return Voices(
        voices=voices, themes=sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    )


def voices_rows(voices: Voices) -> list[list[str]]:
    """The released quotes, one row each, for a spreadsheet (CSV)."""
    return [
        [voice.story.title, voice.told_by, "; ".join(voice.themes), quote.words]
        for voice in voices.voices
        for quote in voice.quotes
    ]


VOICES_COLUMNS = ["Story", "Told by", "Themes", "Quote"]
