"""Story pages: HTTP only."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView, View

from coprod.accounts.rules import is_org_staff
from coprod.uploads import STORY_FILES
from coprod.versions import StaleFormMixin
from coprod.views import PostActionView, ServiceFormMixin
from participants.models import AccessLog, Participant, ProjectMembership
from participants.services import access_log_record
from projects.mixins import ProjectMixin
from projects.models import StoryQuote
from projects.selectors import participant_in_project
from projects.stories import services
from projects.stories.forms import AskForm, ChoicesForm, CurateForm, QuoteForm, StoryForm
from projects.stories.selectors import (
    askable_people,
    stories_for_project,
    story_get,
    story_uses,
    themes_of,
)


class StoryListView(ProjectMixin, TemplateView):
    """The group's stories, and the viewer's own ones they took back."""

    permission_required = "projects.view_stories"
    template_name = "projects/stories/story_list.html"

    def get_context_data(self, **kwargs):
        me = participant_in_project(self.request.user, self.project)
        user = self.request.user
        return super().get_context_data(
            stories=stories_for_project(self.project, teller=me),
            me=me,
            can_tell=user.has_perm("projects.tell_story", self.project)
            or user.has_perm("projects.gather_story", self.project),
            can_ask=user.has_perm("projects.ask_for_story", self.project),
            **kwargs,
        )


class StoryCreateView(ServiceFormMixin, ProjectMixin, FormView):
    """Tell your own story, or (a lead or peer reporter) write one down with its teller."""

    template_name = "projects/stories/story_form.html"
    form_class = StoryForm
    success_message = (
        "Thank you. Your story is kept with the group only. "
        "You choose below if it may go any further."
    )

    def has_permission(self):
        project = self.get_project()
        user = self.request.user
        return user.has_perm("projects.tell_story", project) or user.has_perm(
            "projects.gather_story", project
        )

    def gathers(self) -> bool:
        return self.request.user.has_perm("projects.gather_story", self.project)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.gathers():
            kwargs["tellers"] = Participant.objects.filter(
                memberships__project=self.project,
                memberships__status__in=(
                    ProjectMembership.Status.ACTIVE,
                    ProjectMembership.Status.INVITED,
                    ProjectMembership.Status.ON_BREAK,
                ),
            ).order_by("preferred_name", "pk")
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(gathers=self.gathers(), **kwargs)

    def call_service(self, form):
        teller = form.cleaned_data.get("teller") or participant_in_project(
            self.request.user, self.project
        )
        if teller is None:
            raise ValidationError({"teller": "Choose whose story it is."})
        return services.story_tell(
            project=self.project, teller=teller, by=self.request.user, **form.service_arguments()
        )

    def get_success_message(self, form, result):
        if result.teller.user_id == self.request.user.pk:
            return self.success_message
        return (
            f"Story kept for {result.teller.preferred_name}, with the group only. "
            "Only they can let it go further."
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class StoryMixin(ProjectMixin):
    """One story of the project; the rule is checked on the story itself."""

    request: HttpRequest

    permission_required = "projects.view_story"

    def get_story(self):
        if not hasattr(self, "story"):
            self.story = story_get(self.get_project(), self.kwargs["story_pk"])
        return self.story

    def get_permission_object(self):
        return self.get_story()

    def handle_no_permission(self):
        # Someone who may not see a story learns nothing about it, not even that it exists.
        if self.request.user.is_authenticated:
            raise Http404("No story here.")
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return super().get_context_data(story=self.get_story(), **kwargs)

    def log_staff_read(self) -> None:
        """A staff member reading the story (or its file) is in the teller's "Who has looked"."""
        story, user = self.get_story(), self.request.user
        if user.is_authenticated and is_org_staff(user, story.project.organisation):
            access_log_record(
                participant=story.teller,
                viewer=user,
                kind=AccessLog.Kind.STORY,
                detail=story.project.title,
            )


class StoryDetailView(StoryMixin, TemplateView):
    template_name = "projects/stories/story_detail.html"

    def get_context_data(self, **kwargs):
        story = self.get_story()
        user = self.request.user
        is_teller = user.has_perm("projects.choose_story_use", story)
        self.log_staff_read()
        return super().get_context_data(
            is_teller=is_teller,
            can_curate=user.has_perm("projects.curate_story", story),
            can_withdraw=user.has_perm("projects.withdraw_story", story),
            uses=story_uses(story) if is_teller else None,
            quotes=list(story.quotes.all()),
            **kwargs,
        )


class StoryFileView(StoryMixin, View):
    """The story's recording or photo, decrypted, for people who may see the story."""

    def get(self, request, *args, **kwargs):
        story = self.get_story()
        if not story.file:
            raise Http404("This story has no file.")
        try:
            data = services.file_bytes(story)
        except FileNotFoundError as missing:
            raise Http404 from missing
        self.log_staff_read()
        response = HttpResponse(data, content_type=story.file_type)
        extension = next(
            (kind.extensions[0] for kind in STORY_FILES if kind.mime == story.file_type), "bin"
        )
        response["Content-Disposition"] = f'attachment; filename="story-{story.pk}.{extension}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class StoryChoicesView(StaleFormMixin, ServiceFormMixin, StoryMixin, FormView):
    """The teller chooses where their story may go and how they are named with it."""

    permission_required = "projects.choose_story_use"
    template_name = "projects/stories/story_choices.html"
    form_class = ChoicesForm
    stale_what = "this story's choices"

    def forget_saved(self):
        del self.story

    def get_initial(self):
        story = self.get_story()
        return {"reach": story.reach, "naming": story.naming}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": services.choices_version(self.get_story())}

    def call_service(self, form):
        return services.story_choose(
            story=self.get_story(), by=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, form, result):
        return f"Saved. {result.get_reach_display()}, {result.get_naming_display().lower()}."

    def get_success_url(self):
        return self.get_story().get_absolute_url()


class StoryCurateView(StaleFormMixin, ServiceFormMixin, StoryMixin, FormView):
    permission_required = "projects.curate_story"
    template_name = "projects/stories/story_curate.html"
    form_class = CurateForm
    stale_what = "this story"
    success_message = "Saved."

    def forget_saved(self):
        del self.story

    def get_initial(self):
        story = self.get_story()
        return {
            "themes": list(story.themes.all()),
            "changed_for_person": story.changed_for_person,
            "changed_for_organisation": story.changed_for_organisation,
            "changed_for_society": story.changed_for_society,
        }

    def get_form_kwargs(self):
        story = self.get_story()
        return {
            **super().get_form_kwargs(),
            "themes": themes_of(self.project.organisation),
            "version": services.curation_version(story),
        }

    def call_service(self, form):
        data = dict(form.cleaned_data)
        data["themes"] = list(data["themes"])
        return services.story_curate(story=self.get_story(), by=self.request.user, **data)

    def get_success_url(self):
        return self.get_story().get_absolute_url()


class QuoteCreateView(ServiceFormMixin, StoryMixin, FormView):
    """Pick out a quote: the teller, or a lead or peer reporter (the teller then says yes)."""

    template_name = "projects/stories/quote_form.html"
    form_class = QuoteForm

    def has_permission(self):
        story = self.get_story()
        user = self.request.user
        return user.has_perm("projects.curate_story", story) or (
            user.has_perm("projects.approve_quote", story) and not story.withdrawn
        )

    def get_context_data(self, **kwargs):
        # The page shows the story's words again, to quote from.
        self.log_staff_read()
        return super().get_context_data(**kwargs)

    def call_service(self, form):
        return services.quote_add(story=self.get_story(), by=self.request.user, **form.cleaned_data)

    def get_success_message(self, form, result):
        if result.approved_at is not None:
            return "Quote added."
        return (
            f"Quote added. It goes beyond the group only once "
            f"{self.get_story().teller.preferred_name} says yes."
        )

    def get_success_url(self):
        return self.get_story().get_absolute_url()


class StoryActionView(StoryMixin, PostActionView):
    def done_url(self):
        return self.get_story().get_absolute_url()


class QuoteActionView(StoryActionView):
    def get_quote(self) -> StoryQuote:
        return get_object_or_404(StoryQuote, story=self.get_story(), pk=self.kwargs["quote_pk"])


class QuoteApproveView(QuoteActionView):
    permission_required = "projects.approve_quote"

    def act(self):
        services.quote_approve(quote=self.get_quote(), by=self.request.user)
        return "Thank you. That quote can go wherever you let the story go."


class QuoteRemoveView(QuoteActionView):
    def has_permission(self):
        story = self.get_story()
        user = self.request.user
        return user.has_perm("projects.approve_quote", story) or user.has_perm(
            "projects.curate_story", story
        )

    def act(self):
        # Removing twice (a second tap, two people at once) is not an error.
        quote = StoryQuote.objects.filter(
            story=self.get_story(), pk=self.kwargs["quote_pk"]
        ).first()
        if quote is None:
            return "That quote was already removed."
        services.quote_remove(quote=quote, by=self.request.user)
        return "Quote removed."


class StoryWithdrawView(StoryActionView):
    permission_required = "projects.withdraw_story"

    def act(self):
        services.story_withdraw(story=self.get_story(), by=self.request.user)
        return (
            "The story is taken back. It has left every page and report. "
            "Files downloaded before now are listed on this page."
        )


class StoryShareAgainView(StoryActionView):
    permission_required = "projects.choose_story_use"

    def act(self):
        services.story_share_again(story=self.get_story(), by=self.request.user)
        return "Shared again, with the group only."


class StoryAskView(ServiceFormMixin, ProjectMixin, FormView):
    """Ask a member whether they would like to tell their story (never someone who said no)."""

    permission_required = "projects.ask_for_story"
    template_name = "projects/stories/story_ask.html"
    form_class = AskForm

    def get_form_kwargs(self):
        people = Participant.objects.filter(
            pk__in=askable_people(self.get_project()).values("participant_id")
        ).order_by("preferred_name", "pk")
        return {**super().get_form_kwargs(), "people": people}

    def call_service(self, form):
        return services.story_request_send(
            project=self.project, by=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, form, result):
        return f"Asked {result.participant.preferred_name}. It is up to them."

    def get_success_url(self):
        return reverse("projects:stories", kwargs={"pk": self.project.pk})
