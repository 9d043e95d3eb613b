"""Credit and ending pages: what we achieved, records of contribution, closing, the public page.
HTTP only."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import FormView, TemplateView, View

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.versions import StaleFormMixin
from coprod.views import ServiceFormMixin
from participants.models import Participant
from projects.ending import services
from projects.ending.forms import (
    CloseForm,
    FinalAnswerForm,
    MilestoneForm,
    PublicPageForm,
    SignOffForm,
)
from projects.ending.pdf import record_pdf
from projects.ending.record import record_of
from projects.ending.selectors import (
    changes_made,
    milestones_for,
    project_credits,
    public_page_get,
)
from projects.mixins import ProjectMixin
from projects.models import Contribution, PublicPage, StoryReach, StoryUse
from projects.reviews.selectors import reviews_for_project
from projects.stories.selectors import released_voices
from projects.stories.services import story_uses_record


class AchievedView(ProjectMixin, TemplateView):
    """What the group achieved: milestones with their credits, and what changed."""

    permission_required = "projects.view_project"
    template_name = "projects/ending/achieved.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            milestones=milestones_for(self.project),
            changes=changes_made(self.project),
            credits=project_credits(self.project),
            closing=getattr(self.project, "closing", None),
            can_mark=self.request.user.has_perm("projects.mark_milestone", self.project),
            **kwargs,
        )


class MilestoneCreateView(ServiceFormMixin, ProjectMixin, FormView):
    permission_required = "projects.mark_milestone"
    template_name = "projects/ending/milestone_form.html"
    form_class = MilestoneForm
    success_message = "Milestone marked. Everyone taking part is told, and thanked."

    def get_form_kwargs(self):
        people = Participant.objects.filter(memberships__project=self.get_project()).order_by(
            "preferred_name", "pk"
        )
        return {**super().get_form_kwargs(), "people": people}

    def get_initial(self):
        return {"happened_on": timezone.localdate()}

    def call_service(self, form):
        data = dict(form.cleaned_data)
        data["credited"] = list(data["credited"])
        return services.milestone_mark(project=self.project, by=self.request.user, **data)

    def get_success_url(self):
        return reverse("projects:achieved", kwargs={"pk": self.project.pk})


class RecordMixin(PermissionRequiredMixin):
    permission_required = "projects.view_record"
    kwargs: dict

    def get_participant(self) -> Participant:
        if not hasattr(self, "participant"):
            self.participant = get_object_or_404(
                Participant.objects.select_related("organisation"), pk=self.kwargs["participant_pk"]
            )
        return self.participant

    def get_permission_object(self):
        return self.get_participant()

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404("No record here.")
        return super().handle_no_permission()


class RecordView(RecordMixin, TemplateView):
    """A person's record of contribution, to read, print or download as a PDF."""

    template_name = "projects/ending/record.html"

    def get_context_data(self, **kwargs):
        person = self.get_participant()
        return super().get_context_data(
            person=person,
            record=record_of(person),
            is_self=person.user_id == self.request.user.pk,
            can_sign=self.request.user.has_perm("projects.sign_off_record", person),
            **kwargs,
        )


class RecordPdfView(RecordMixin, View):
    def get(self, request, *args, **kwargs):
        person = self.get_participant()
        response = HttpResponse(record_pdf(record_of(person)), content_type="application/pdf")
        name = slugify(person.preferred_name)[:40] or "member"
        response["Content-Disposition"] = (
            f'attachment; filename="record-of-contribution-{name}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class RecordSignOffView(ServiceFormMixin, RecordMixin, FormView):
    permission_required = "projects.sign_off_record"
    template_name = "projects/ending/sign_off.html"
    form_class = SignOffForm
    success_message = "Signed off. The PDF now says you checked it, and when."

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.get_participant(), **kwargs)

    def call_service(self, form):
        return services.record_sign_off(
            participant=self.get_participant(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:record", kwargs={"participant_pk": self.get_participant().pk})


class CloseView(ServiceFormMixin, ProjectMixin, FormView):
    """Closing a project, step by step: a final review, every point answered, thanks,
    what happens next and what happens to people's details; then everyone is told."""

    permission_required = "projects.close_project"
    template_name = "projects/ending/close.html"
    form_class = CloseForm
    success_message = (
        "The project is closed. Everyone in it is being thanked and sent their "
        "record of contribution."
    )

    def get_context_data(self, **kwargs):
        reviews = reviews_for_project(self.project)
        return super().get_context_data(
            points=list(services.open_points(self.project)),
            meetings=list(services.upcoming_meetings(self.project)),
            reviews=reviews,
            **kwargs,
        )

    def call_service(self, form):
        return services.project_close(
            project=self.project, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:achieved", kwargs={"pk": self.project.pk})


class FinalAnswerView(ServiceFormMixin, ProjectMixin, FormView):
    permission_required = "projects.close_project"
    template_name = "projects/ending/final_answer.html"
    form_class = FinalAnswerForm
    success_message = "Answered. Everyone who was part of it is told."

    def get_point(self) -> Contribution:
        if not hasattr(self, "point"):
            self.point = get_object_or_404(
                services.open_points(self.get_project()), pk=self.kwargs["point_pk"]
            )
        return self.point

    def get(self, request, *args, **kwargs):
        if not services.open_points(self.get_project()).filter(pk=kwargs["point_pk"]).exists():
            return redirect("projects:close", pk=self.project.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(point=self.get_point(), **kwargs)

    def call_service(self, form):
        return services.final_answer(
            contribution=self.get_point(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("projects:close", kwargs={"pk": self.project.pk})


class PublicPageEditView(StaleFormMixin, ServiceFormMixin, ProjectMixin, FormView):
    """A lead writes the project's public page and puts it up (or takes it down)."""

    permission_required = "projects.manage_public_page"
    template_name = "projects/ending/public_edit.html"
    form_class = PublicPageForm
    stale_what = "the public page"

    def get_page(self) -> PublicPage | None:
        return PublicPage.objects.filter(project=self.get_project()).first()

    def forget_saved(self):
        pass

    def get_initial(self):
        page = self.get_page()
        if page is None:
            return {
                "summary": self.get_project().summary,
                "show_you_said_we_did": True,
                "show_credits": True,
            }
        return {
            "summary": page.summary,
            "what_changed": page.what_changed,
            "show_you_said_we_did": page.show_you_said_we_did,
            "show_credits": page.show_credits,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": services.public_version(self.get_page())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=self.get_page(), **kwargs)

    def call_service(self, form):
        action = self.request.POST.get("publish")
        publish = {"yes": True, "no": False}.get(action or "")
        return services.public_page_save(
            project=self.project, by=self.request.user, publish=publish, **form.cleaned_data
        )

    def get_success_message(self, form, result):
        if result.published:
            return "Saved. The public page is up: anyone with its address can read it."
        return "Saved. The public page is not up: nobody outside can see it."


class PublicProjectView(TemplateView):
    """A project's public page: no login, nothing that was not released."""

    template_name = "projects/ending/public_page.html"

    def get_context_data(self, **kwargs):
        page = public_page_get(self.kwargs["slug"])
        project = page.project
        voices = released_voices(project, StoryReach.PUBLIC)
        story_uses_record(stories=voices.stories, place=StoryUse.Place.PUBLIC, viewer=None)
        return super().get_context_data(
            page=page,
            project=project,
            voices=voices,
            changes=changes_made(project) if page.show_you_said_we_did else [],
            credits=project_credits(project) if page.show_credits else None,
            page_url=self.request.build_absolute_uri(),
            **kwargs,
        )
