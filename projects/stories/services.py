"""Every write about stories: telling one, the teller's choices, curation, quotes and asking.

The teller decides where their story goes (`story_choose`), can take it back
at any time (`story_withdraw`), and approves each quote before it goes beyond
the group (`quote_approve`). Nobody else can widen where a story goes.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coprod.accounts.models import User
from coprod.fields import check_length
from coprod.uploads import STORY_FILES, check_upload
from coprod.versions import check_version, version_of
from participants.models import ConsentTopic, Participant, ProjectMembership
from participants.selectors import consent_answer
from projects.models import (
    REACH_ORDER,
    Project,
    Story,
    StoryNaming,
    StoryQuote,
    StoryReach,
    StoryRequest,
    StoryTheme,
    StoryUse,
)
from projects.selectors import refuse_if_finished
from projects.stories import notifications as announce

TITLE_MAX = 120
WORDS_MAX = 20_000
QUOTE_MAX = 600
CHANGED_MAX = 2_000
NOTE_MAX = 300
# Asking the same person again within this many days is refused: nobody should be pressed.
ASK_AGAIN_DAYS = 28
# What the teller's choices form writes, and so what its stamp covers.
CHOICE_FIELDS = ("reach", "naming", "withdrawn_at")
CURATION_FIELDS = (
    "themes",
    "changed_for_person",
    "changed_for_organisation",
    "changed_for_society",
)


def _fernet():
    # The same keys (and key rotation) as the encrypted text fields.
    return Story._meta.get_field("words").f  # type: ignore[union-attr]


def file_bytes(story: Story) -> bytes:
    """The story's file as it was uploaded (it is kept encrypted)."""
    with story.file.open("rb") as stored:
        return _fernet().decrypt(stored.read())


def _place_of(project: Project, participant: Participant) -> ProjectMembership | None:
    return (
        ProjectMembership.objects.filter(project=project, participant=participant)
        .exclude(status=ProjectMembership.Status.LEFT)
        .first()
    )


def _lock(story: Story) -> Story:
    return Story.objects.select_for_update(of=("self",)).select_related("teller").get(pk=story.pk)


def _refuse_unless_teller(story: Story, by: User) -> None:
    # The views check the rule; this keeps every other caller to it too.
    if story.teller.user_id is None or story.teller.user_id != by.pk:
        raise ValidationError("Only the person who told this story can choose that.")


def choices_version(story: Story) -> str:
    return version_of(story, CHOICE_FIELDS)


def curation_version(story: Story) -> str:
    return version_of(story, CURATION_FIELDS)


@transaction.atomic
def story_tell(
    *,
    project: Project,
    teller: Participant,
    by: User,
    title: str,
    words: str = "",
    upload=None,
    teller_present: bool = False,
) -> Story:
    """Keep a story, told by `teller`, written down by them or with them there.

    It starts with the group only; where it goes next is the teller's choice.
    """
    refuse_if_finished(project, "it takes no new stories")
    if teller.organisation_id != project.organisation_id or _place_of(project, teller) is None:
        raise ValidationError({"teller": "Choose someone taking part in this project."})
    if teller.user_id != by.pk and not teller_present:
        raise ValidationError(
            {
                "teller_present": "A story can only be written down for someone while they are "
                "there and want it told. Tick the box to say they are."
            }
        )
    title = check_length(title, TITLE_MAX, "title")
    if not title:
        raise ValidationError({"title": "Give the story a short name, so you can find it again."})
    words = check_length(words, WORDS_MAX, "words")
    if not words and upload is None:
        raise ValidationError({"words": "Write the story, or add a recording or a photo."})
    story = Story(project=project, teller=teller, gathered_by=by, title=title, words=words)
    if upload is not None:
        checked = check_upload(upload, kinds=STORY_FILES)
        upload.seek(0)
        sealed = _fernet().encrypt(upload.read())
        story.file_name = checked.original_name
        story.file_type = checked.content_type
        story.file_size = checked.size
        story.file.save("story.bin", ContentFile(sealed), save=False)
    story.save()
    return story


@transaction.atomic
def story_choose(
    *, story: Story, by: User, reach: str, naming: str, version: str | None = None
) -> Story:
    """The teller says where their story may go and how they are named with it."""
    story = _lock(story)
    _refuse_unless_teller(story, by)
    check_version(choices_version(story), version, what="this story's choices")
    if story.withdrawn:
        raise ValidationError("You took this story back. Share it again first.")
    if reach not in StoryReach.values:
        raise ValidationError({"reach": "Choose where your story may go."})
    if naming not in StoryNaming.values:
        raise ValidationError({"naming": "Choose how you are named with it."})
    beyond_group = REACH_ORDER[reach] > REACH_ORDER[StoryReach.GROUP]
    if beyond_group and consent_answer(story.teller, ConsentTopic.STORIES) is False:
        raise ValidationError(
            {
                "reach": "You said no to your words or story being used. To share it beyond "
                "this project, change that on “What you agree to” first."
            }
        )
    story.reach, story.naming = reach, naming
    story.save(update_fields=["reach", "naming", "updated_at"])
    return story


@transaction.atomic
def story_withdraw(*, story: Story, by: User, now=None) -> Story:
    """Take a story back: it leaves every page and report at once, and goes back to the
    group only if the teller shares it again."""
    story = _lock(story)
    if story.withdrawn:
        return story
    story.withdrawn_at = now or timezone.now()
    story.reach = StoryReach.GROUP
    story.save(update_fields=["withdrawn_at", "reach", "updated_at"])
    return story


@transaction.atomic
def story_share_again(*, story: Story, by: User) -> Story:
    """The teller shares a story they took back, with the group only."""
    story = _lock(story)
    _refuse_unless_teller(story, by)
    story.withdrawn_at = None
    story.reach = StoryReach.GROUP
    story.save(update_fields=["withdrawn_at", "reach", "updated_at"])
    return story


def _refuse_withdrawn(story: Story) -> None:
    if story.withdrawn:
        raise ValidationError("Its teller took this story back, so it cannot be changed.")


@transaction.atomic
def story_curate(
    *,
    story: Story,
    by: User,
    themes: list[StoryTheme],
    new_themes: str = "",
    changed_for_person: str = "",
    changed_for_organisation: str = "",
    changed_for_society: str = "",
    version: str | None = None,
) -> Story:
    """Note a story's themes and what changed (for the person, the organisation, society)."""
    story = _lock(story)
    check_version(curation_version(story), version, what="this story")
    _refuse_withdrawn(story)
    organisation_id = story.project.organisation_id
    if any(theme.organisation_id != organisation_id for theme in themes):
        raise ValidationError({"themes": "Choose from the themes shown."})
    chosen = list(themes)
    typed = [
        check_length(part, 80, "new_themes")
        for part in (new_themes or "").split(",")
        if part.strip()
    ]
    # "Housing, housing" is one theme: keep the first spelling typed.
    for name in {word.casefold(): word for word in reversed(typed)}.values():
        theme = StoryTheme.objects.filter(
            organisation_id=organisation_id, name__iexact=name
        ).first() or StoryTheme.objects.create(organisation_id=organisation_id, name=name)
        chosen.append(theme)
    story.changed_for_person = check_length(changed_for_person, CHANGED_MAX, "changed_for_person")
    story.changed_for_organisation = check_length(
        changed_for_organisation, CHANGED_MAX, "changed_for_organisation"
    )
    story.changed_for_society = check_length(
        changed_for_society, CHANGED_MAX, "changed_for_society"
    )
    story.save(
        update_fields=[
            "changed_for_person",
            "changed_for_organisation",
            "changed_for_society",
            "updated_at",
        ]
    )
    story.themes.set(chosen)
    return story


@transaction.atomic
def quote_add(*, story: Story, by: User, words: str, now=None) -> StoryQuote:
    """Pick out words from a story. The teller's own picks are approved as they add them."""
    story = _lock(story)
    _refuse_withdrawn(story)
    words = check_length(words, QUOTE_MAX, "words")
    if not words:
        raise ValidationError({"words": "Write the words you want to quote."})
    by_teller = story.teller.user_id == by.pk
    quote = StoryQuote.objects.create(
        story=story,
        words=words,
        added_by=by,
        approved_at=(now or timezone.now()) if by_teller else None,
    )
    # The story's stamp moves, so every page showing it is worked out again.
    story.save(update_fields=["updated_at"])
    return quote


@transaction.atomic
def quote_approve(*, quote: StoryQuote, by: User, now=None) -> StoryQuote:
    story = _lock(quote.story)
    _refuse_unless_teller(story, by)
    _refuse_withdrawn(story)
    quote = StoryQuote.objects.select_for_update().get(pk=quote.pk)
    if quote.approved_at is None:
        quote.approved_at = now or timezone.now()
        quote.save(update_fields=["approved_at", "updated_at"])
        story.save(update_fields=["updated_at"])
    return quote


@transaction.atomic
def quote_remove(*, quote: StoryQuote, by: User) -> None:
    story = _lock(quote.story)
    StoryQuote.objects.filter(pk=quote.pk).delete()
    story.save(update_fields=["updated_at"])


@transaction.atomic
def story_request_send(
    *, project: Project, participant: Participant, by: User, note: str = "", now=None
) -> StoryRequest:
    """Ask someone whether they would like to tell their story, unless they asked us not to."""
    now = now or timezone.now()
    refuse_if_finished(project, "it takes no new stories")
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    place = _place_of(project, participant)
    if place is None or place.status != ProjectMembership.Status.ACTIVE:
        raise ValidationError({"participant": "Choose someone taking part in this project now."})
    if participant.story_requests == Participant.StoryRequests.DO_NOT_ASK:
        raise ValidationError(
            {
                "participant": f"{participant.preferred_name} asked not to be asked to tell "
                "their story. They can still tell one whenever they want to."
            }
        )
    recent = StoryRequest.objects.filter(
        project=project,
        participant=participant,
        created_at__gte=now - datetime.timedelta(days=ASK_AGAIN_DAYS),
    ).first()
    if recent is not None:
        raise ValidationError(
            {
                "participant": f"{participant.preferred_name} was asked on "
                f"{timezone.localdate(recent.created_at):%-d %B %Y}. Please give them time: "
                "they can tell a story whenever they want to."
            }
        )
    note = check_length(note, NOTE_MAX, "note")
    request = StoryRequest.objects.create(
        project=project, participant=participant, asked_by=by, note=note
    )
    announce.story_asked(request, now=now)
    return request


def story_uses_record(*, stories, place: str, viewer: User | None, now=None) -> None:
    """Write down that these stories were shown or downloaded at `place`: one row per
    story, place, viewer and day, counting the times."""
    ids = sorted({story.pk for story in stories})
    if not ids:
        return
    today = timezone.localdate(now or timezone.now())
    key = str(viewer.pk) if viewer is not None else ""
    name = str(viewer)[:200] if viewer is not None else ""
    with transaction.atomic():
        seen = set(
            StoryUse.objects.filter(
                story_id__in=ids, place=place, viewer_key=key, on=today
            ).values_list("story_id", flat=True)
        )
        if seen:
            StoryUse.objects.filter(
                story_id__in=seen, place=place, viewer_key=key, on=today
            ).update(times=F("times") + 1)
        StoryUse.objects.bulk_create(
            [
                StoryUse(
                    story_id=pk,
                    place=place,
                    viewer=viewer,
                    viewer_name=name,
                    viewer_key=key,
                    on=today,
                )
                for pk in ids
                if pk not in seen
            ],
            ignore_conflicts=True,
        )


def consent_changed(participant: Participant, topic: str, given: bool) -> None:
    """Saying no to stories being used keeps every one of the person's stories in its group."""
    if topic == ConsentTopic.STORIES and not given:
        Story.objects.filter(teller=participant).exclude(reach=StoryReach.GROUP).update(
            reach=StoryReach.GROUP, updated_at=timezone.now()
        )
