"""Meeting pages: HTTP only. Rules decide who, services decide what is allowed."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import (
    COORDINATING_ROLES,
    coordinators_of,
    organisation_ids_for,
    organisations_for,
)
from coprod.notifications.reach import unreachable_invitees
from coprod.throttles import Limit, client_ip
from coprod.versions import StaleFormMixin, VersionForm, add_stale_notice, is_stale, typed_rows
from coprod.views import PostActionView, ServiceFormMixin
from participants import services as people
from projects.meetings import services as services
from projects.meetings.calendar import calendar_for
from projects.meetings.forms import (
    ActionForm,
    AgendaFormSet,
    AttendanceForm,
    CancelForm,
    MeetingForm,
    NotesForm,
    OnBehalfRsvpForm,
    PaperForm,
    RsvpForm,
    VenueForm,
)
from projects.meetings.notifications import MEETING_SCHEDULED, PAPERS_READY
from projects.meetings.selectors import (
    attendance_people,
    calendar_feed_live,
    invitee_for,
    late_papers,
    meeting_get,
    meetings_for_feed,
    meetings_for_member,
    meetings_for_project,
    open_actions_for,
    papers_due,
    papers_too_soon,
    project_people_for_meetings,
    rsvp_overview,
    time_clashes,
    venues_for,
)
from projects.mixins import ProjectMixin, warn_unreachable
from projects.models import CalendarFeed, MeetingAction, MeetingChange, MeetingPaper, Venue
from projects.reviews.selectors import pulse_given
from projects.reviews.services import pulse_open
from projects.selectors import participant_in_project, projects_visible_to
from projects.support import chat_ask


class MeetingMixin(ProjectMixin):
    """A meeting of a project the person can see; any other meeting is simply not found."""

    def get_meeting(self):
        if not hasattr(self, "meeting"):
            self.meeting = meeting_get(self.get_project(), self.kwargs["meeting_pk"])
        return self.meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.get_meeting(), **kwargs)

    def has_started(self):
        return self.get_meeting().starts_at <= timezone.now()


def _venues_for_project(project):
    return Venue.objects.filter(organisation_id=project.organisation_id)


class ProjectMeetingsView(ProjectMixin, TemplateView):
    """A project's meetings, coming up and past."""

    permission_required = "projects.view_project"
    template_name = "projects/meeting_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(meetings=meetings_for_project(self.project), **kwargs)


class MeetingFormMixin(ServiceFormMixin):
    """Planner form with warnings (clashes with members' times) to read before saving."""

    template_name: str | None = "projects/meeting_form.html"
    form_class: type[MeetingForm] | None = MeetingForm
    editing = False

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "project": self.get_project(),
            "venues": _venues_for_project(self.get_project()),
            "editing": self.editing,
        }

    def warnings_for(self, form):
        data = form.cleaned_data
        if data["starts_at"] <= timezone.now():
            return []  # the service refuses a past time with its own message
        # Named only for people whose needs this planner may see; others are counted.
        viewer = self.request.user
        clashes = time_clashes(self.project, data["starts_at"], data["ends_at"], viewer=viewer)
        too_soon = papers_too_soon(self.project, data["starts_at"], viewer=viewer)
        # A name next to a need is a read of that need: logged for each person named.
        people.communication_needs_read_many(
            participants=[*clashes.named, *too_soon.named],
            viewer=viewer,
            detail=f"while planning a meeting of {self.project.title}",
        )
        return [*clashes, *too_soon]

    def form_valid(self, form):
        warnings = self.warnings_for(form)
        if warnings and not form.cleaned_data.get("go_ahead"):
            form.show_warnings(warnings)
            return self.form_invalid(form)
        return super().form_valid(form)

    def get_success_url(self):
        return self.result.get_absolute_url()


class MeetingCreateView(MeetingFormMixin, ProjectMixin, FormView):
    permission_required = "projects.schedule_meeting"
    success_message = "Meeting scheduled. Next, add the agenda and papers."

    def after_success(self):
        found = unreachable_invitees(self.result, kind=MEETING_SCHEDULED)
        warn_unreachable(self.request, self.project, found, about="this meeting")

    def call_service(self, form):
        return services.meeting_schedule(
            project=self.project, by=self.request.user, **form.service_arguments()
        )


class MeetingUpdateView(StaleFormMixin, MeetingFormMixin, MeetingMixin, FormView):
    permission_required = "projects.schedule_meeting"
    stale_what = "this meeting's details"
    success_message = "Meeting changed. The change is kept in its history."
    editing = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_meeting()}

    def call_service(self, form):
        return services.meeting_update(
            meeting=self.meeting, by=self.request.user, **form.service_arguments()
        )


class MeetingDetailView(MeetingMixin, TemplateView):
    """One meeting, for members on phones and for the people running it."""

    permission_required = "projects.view_project"
    template_name = "projects/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        meeting = self.get_meeting()
        upcoming = not self.has_started() and not meeting.is_cancelled
        invitee = invitee_for(user, meeting)
        can_plan = user.has_perm("projects.schedule_meeting", self.project)
        can_run = can_plan or user.has_perm("projects.take_rsvps", self.project)
        context = {
            "invitee": invitee,
            "upcoming": upcoming,
            "started": self.has_started(),
            "can_rsvp": upcoming and user.has_perm("projects.rsvp_meeting", self.project),
            "rsvp_form": RsvpForm(
                initial={"answer": invitee.answer, "note": invitee.note, "needs": invitee.needs}
                if invitee
                else None
            ),
            "changes": list(
                meeting.changes.exclude(kind=MeetingChange.Kind.SCHEDULED).order_by("created_at")
            ),
            "actions": list(
                meeting.actions.select_related("owner_participant", "owner_user").order_by("due_on")
            ),
            "pulse_open": invitee is not None
            and pulse_open(meeting)
            and user.has_perm("projects.give_pulse", self.project),
        }
        if context["pulse_open"]:
            context["pulse_given"] = pulse_given(meeting, invitee.participant)
        if can_run:
            # People are named only to those who may see their needs; others get counts.
            context["papers_due"] = papers_due(meeting, viewer=user)
            context["late_for"] = late_papers(meeting, viewer=user) if upcoming else None
            context["clashes"] = (
                time_clashes(self.project, meeting.starts_at, meeting.ends_at, viewer=user)
                if upcoming
                else []
            )
            context["replies"] = rsvp_overview(meeting)["counts"]
            if upcoming and user.has_perm("projects.view_personal_details", self.project):
                context["cannot_reach"] = unreachable_invitees(meeting, kind=MEETING_SCHEDULED)
            # A name next to a need is a read of that need: logged for each person named.
            people.communication_needs_read_many(
                participants=[
                    *context["papers_due"].who.named,
                    *(context["late_for"].named if context["late_for"] else []),
                    *getattr(context["clashes"], "named", []),
                ],
                viewer=user,
                detail=services.meeting_log_detail(meeting, prefix="on the page for "),
            )
        return super().get_context_data(**context, **kwargs)


class MeetingCancelView(ServiceFormMixin, MeetingMixin, FormView):
    permission_required = "projects.schedule_meeting"
    template_name = "projects/meeting_cancel.html"
    form_class = CancelForm
    success_message = "Meeting cancelled. It stays in the history, marked cancelled."

    def call_service(self, form):
        return services.meeting_cancel(
            meeting=self.get_meeting(), by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.meeting.get_absolute_url()


class AgendaView(MeetingMixin, TemplateView):
    permission_required = "projects.edit_agenda"
    template_name = "projects/meeting_agenda.html"

    def people(self):
        return project_people_for_meetings(self.project)

    def get_context_data(self, **kwargs):
        if "formset" not in kwargs:
            kwargs["formset"] = AgendaFormSet(
                prefix="agenda",
                people=self.people(),
                initial=[
                    {"title": item.title, "led_by": item.led_by}
                    for item in self.get_meeting().agenda.all()
                ],
            )
            kwargs["version_form"] = VersionForm(
                prefix="agenda", version=services.agenda_version(self.get_meeting())
            )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        formset = AgendaFormSet(request.POST, prefix="agenda", people=self.people())
        # The stamp of the agenda this page showed; it also carries the list's own errors.
        version_form = VersionForm(request.POST, prefix="agenda")
        if formset.is_valid() and version_form.is_valid():
            try:
                services.agenda_save(
                    meeting=self.get_meeting(),
                    by=request.user,
                    rows=[form.cleaned_data for form in formset.forms if form.cleaned_data],
                    version=version_form.seen(),
                )
            except ValidationError as error:
                if is_stale(error):
                    add_stale_notice(request, "the agenda")
                    typed = typed_rows(formset.forms)
                    return self.render_to_response(self.get_context_data(stale_typed=typed))
                version_form.add_error(None, error)
            else:
                messages.success(request, "Agenda saved.")
                return redirect(self.meeting)
        return self.render_to_response(
            self.get_context_data(formset=formset, version_form=version_form)
        )


class PapersView(ServiceFormMixin, MeetingMixin, FormView):
    permission_required = "projects.edit_agenda"
    template_name = "projects/meeting_papers.html"
    form_class = PaperForm
    success_message = "Paper added."

    def get_context_data(self, **kwargs):

        due = papers_due(self.get_meeting(), viewer=self.request.user)
        # A name next to a need is a read of that need: logged for each person named.
        people.communication_needs_read_many(
            participants=due.who.named,
            viewer=self.request.user,
            detail=services.meeting_log_detail(self.meeting, prefix="on the papers page for "),
        )
        return super().get_context_data(
            papers=list(self.get_meeting().papers.all()),
            removed=list(
                MeetingPaper.objects.filter(meeting=self.meeting, removed_at__isnull=False)
            ),
            papers_due=due,
            max_mb=settings.COPROD_UPLOAD_MAX_MB,
            **kwargs,
        )

    def call_service(self, form):
        return services.paper_add(
            meeting=self.get_meeting(),
            by=self.request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            plain_summary=form.cleaned_data["plain_summary"],
        )


class PaperMixin(MeetingMixin):
    # A removed paper's file is gone: its old address answers "not found".
    paper_filter: dict = {"removed_at__isnull": True}

    def get_paper(self):
        return get_object_or_404(
            MeetingPaper,
            meeting=self.get_meeting(),
            pk=self.kwargs["paper_pk"],
            **self.paper_filter,
        )


class PaperDownloadView(PaperMixin, View):
    """Hand over a paper through the storage API, to people who can see the meeting."""

    permission_required = "projects.view_project"

    def get(self, request, *args, **kwargs):
        paper = self.get_paper()
        try:
            opened = paper.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(
            opened,
            as_attachment=True,
            filename=paper.original_name,
            content_type=paper.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class MeetingPostActionView(MeetingMixin, PostActionView):
    def done_url(self):
        return self.get_meeting().get_absolute_url()


class PaperRemoveView(PaperMixin, MeetingPostActionView):
    permission_required = "projects.edit_agenda"
    # Removing twice says so, rather than "not found".
    paper_filter = {}

    def done_url(self):
        return reverse(
            "projects:meeting_papers", kwargs={"pk": self.project.pk, "meeting_pk": self.meeting.pk}
        )

    def act(self):
        paper = self.get_paper()
        services.paper_remove(paper=paper, by=self.request.user)
        return f"“{paper.title}” removed."


class PapersReadyView(MeetingPostActionView):
    permission_required = "projects.edit_agenda"

    def act(self):
        services.papers_mark_ready(meeting=self.get_meeting(), by=self.request.user)
        return "Papers marked as ready. Members can read them on the meeting page."

    def after_success(self):
        found = unreachable_invitees(self.meeting, kind=PAPERS_READY, coming=True)
        warn_unreachable(self.request, self.project, found, about="the papers")


class RsvpView(ServiceFormMixin, MeetingMixin, FormView):
    """A member's own answer: yes, maybe or no, and what they need."""

    permission_required = "projects.rsvp_meeting"
    template_name = "projects/meeting_rsvp.html"
    form_class = RsvpForm

    def get_initial(self):
        invitee = invitee_for(self.request.user, self.get_meeting())
        if invitee is None:
            return {}
        return {"answer": invitee.answer, "note": invitee.note, "needs": invitee.needs}

    def call_service(self, form):
        participant = participant_in_project(self.request.user, self.project)
        chat = {name: form.cleaned_data.get(name) for name in RsvpForm.CHAT_FIELDS}
        # The quick buttons send only the answer: keep the note and needs given before.
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in chat and (name == "answer" or name in self.request.POST)
        }
        with transaction.atomic():
            result = services.rsvp_record(
                meeting=self.get_meeting(), participant=participant, by=self.request.user, **data
            )
            if chat["chat"]:
                # Answer and chat are saved together, or neither is.
                chat_ask(
                    meeting=self.meeting,
                    participant=participant,
                    kinds_asked=chat["chat"],
                    times=chat["chat_times"] or "",
                    way=chat["chat_way"] or "",
                )
        return result

    def get_success_message(self, form, result):
        said = {
            "yes": "Thank you. We look forward to seeing you.",
            "maybe": "Thank you. Let us know when you are sure.",
            "no": "Thank you for telling us. You will still get the notes.",
        }[form.cleaned_data["answer"]]
        if form.cleaned_data.get("chat"):
            said += " A coordinator will get in touch about a chat."
        return said

    def get_success_url(self):
        return self.meeting.get_absolute_url() + "#your-answer"


class RepliesView(ServiceFormMixin, MeetingMixin, FormView):
    """Everyone's answers, and their meeting needs for the people who arrange it."""

    permission_required = "projects.take_rsvps"
    template_name = "projects/meeting_replies.html"
    form_class = OnBehalfRsvpForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": project_people_for_meetings(self.project)}

    def get_context_data(self, **kwargs):
        user = self.request.user
        overview = rsvp_overview(self.get_meeting())
        can_see_needs = user.has_perm("projects.view_meeting_needs", self.project)
        # Reading the needs is logged for each person, as private notes are.
        needs = (
            services.meeting_needs_read(
                meeting=self.meeting, viewer=user, invitees=overview["invitees"]
            )
            if can_see_needs
            else {}
        )
        return super().get_context_data(
            overview=overview,
            rows=[(invitee, needs.get(invitee.pk, "")) for invitee in overview["invitees"]],
            can_see_needs=can_see_needs,
            upcoming=not self.has_started() and not self.meeting.is_cancelled,
            **kwargs,
        )

    def call_service(self, form):
        data = dict(form.cleaned_data)
        participant = data.pop("participant")
        # An empty box keeps what they said before: a coordinator who may not
        # read someone's needs must not wipe them out by taking a phone answer.
        data["needs"] = data.get("needs") or None
        return services.rsvp_record(
            meeting=self.get_meeting(), participant=participant, by=self.request.user, **data
        )

    def get_success_message(self, form, result):
        participant = form.cleaned_data["participant"]
        return f"{participant.preferred_name}'s answer is recorded, marked as taken by you."


class AttendanceView(ServiceFormMixin, MeetingMixin, FormView):
    permission_required = "projects.record_attendance"
    template_name = "projects/meeting_attendance.html"
    form_class = AttendanceForm
    success_message = "Attendance saved."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rows": attendance_people(self.get_meeting())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(started=self.has_started(), **kwargs)

    def call_service(self, form):
        return services.attendance_record(
            meeting=self.get_meeting(), by=self.request.user, rows=form.service_rows()
        )


class NotesView(ServiceFormMixin, MeetingMixin, FormView):
    """Notes members read afterwards, and the actions agreed, each with an owner.

    The page has two forms; the one posted is the view's form, known by its prefix.
    """

    permission_required = "projects.record_notes"
    template_name = "projects/meeting_notes.html"

    def adding_action(self) -> bool:
        return "action-description" in self.request.POST

    def action_form(self, data=None):
        return ActionForm(
            data,
            people=project_people_for_meetings(self.project),
            staff=coordinators_of(self.project.organisation_id),
            prefix="action",
        )

    def notes_form(self, data=None):
        return NotesForm(data, instance=self.get_meeting(), prefix="notes")

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return self.action_form(data) if self.adding_action() else self.notes_form(data)

    def get_context_data(self, **kwargs):
        if "form" in kwargs:
            kwargs["action_form" if self.adding_action() else "notes_form"] = kwargs["form"]
        kwargs.setdefault("notes_form", self.notes_form())
        kwargs.setdefault("action_form", self.action_form())
        return super().get_context_data(
            started=self.has_started(),
            actions=list(
                self.meeting.actions.select_related("owner_participant", "owner_user").order_by(
                    "due_on"
                )
            ),
            **kwargs,
        )

    def call_service(self, form):
        if self.adding_action():
            return services.action_add(
                meeting=self.get_meeting(),
                by=self.request.user,
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                **form.owner_arguments(),
            )
        return services.notes_post(
            meeting=self.get_meeting(), by=self.request.user, notes=form.cleaned_data["notes"]
        )

    def get_success_message(self, form, result):
        if self.adding_action():
            return "Action added."
        return "Notes saved. Members can read them on the meeting page."


class ActionDoneView(PermissionRequiredMixin, PostActionView):
    permission_required = "projects.complete_action"

    def get_permission_object(self):
        if not hasattr(self, "action"):
            self.action = get_object_or_404(
                MeetingAction.objects.select_related("meeting__project", "owner_participant"),
                meeting__project__in=projects_visible_to(self.request.user),
                pk=self.kwargs["pk"],
            )
        return self.action

    def done_url(self):
        back = self.request.POST.get("next", "")
        return back if back.startswith("/") and not back.startswith("//") else "/"

    def act(self):
        action = services.action_complete(action=self.get_permission_object(), by=self.request.user)
        return f"Done: {action.description}"


class MeetingIcsView(MeetingMixin, View):
    """The meeting as a calendar file, to add to a phone's calendar."""

    permission_required = "projects.view_project"

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        response = HttpResponse(
            calendar_for([meeting]), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


# --- A member's own meetings and calendar -------------------------------------------


class MyMeetingsView(PermissionRequiredMixin, TemplateView):
    permission_required = "participants.view_member_home"
    template_name = "projects/my_meetings.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meetings=meetings_for_member(self.request.user),
            actions=open_actions_for(self.request.user),
            **kwargs,
        )


class CalendarLinkView(PermissionRequiredMixin, TemplateView):
    """Make, show once, or stop the person's private calendar address."""

    permission_required = "participants.view_member_home"
    template_name = "projects/calendar_link.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("feed", calendar_feed_live(self.request.user))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "stop":
            services.calendar_feed_revoke(user=request.user)
            messages.success(
                request, "Your calendar link is stopped. Calendars using it get nothing."
            )
            return redirect(request.path)
        feed, token = services.calendar_feed_create(user=request.user)
        url = request.build_absolute_uri(reverse("projects:calendar_feed", args=[token]))
        # The address is shown this once: only its hash is kept.
        return render(
            request,
            self.template_name,
            self.get_context_data(feed=feed, new_url=url, webcal=url.split("://", 1)[1]),
        )


# Feed addresses carry 256 random bits, so nobody guesses one; still, a client
# that asks for many addresses that never existed is stopped for the hour.
# An address that was stopped is not a guess (calendar apps keep asking for
# it), so it does not count.
WRONG_FEEDS_PER_IP = Limit("calendar-feed-ip", 60, 60 * 60)


def calendar_feed(request, token):
    """A private calendar feed: the secret in the address is the key, so no login.

    Every refusal is the same 404, including for a client over its limit.
    """
    ip = client_ip(request)
    if WRONG_FEEDS_PER_IP.is_blocked(ip):
        raise Http404
    token_hash = services.feed_token_hash(token)
    feed = CalendarFeed.objects.filter(token_hash=token_hash).select_related("user").first()
    if feed is None:
        WRONG_FEEDS_PER_IP.fail(ip)
        raise Http404
    if feed.revoked_at is not None or not feed.user.is_active:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    body = calendar_for(meetings_for_feed(feed.user), name="My Coprod meetings")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# --- The venue library ---------------------------------------------------------------------


class VenueLibraryMixin(PermissionRequiredMixin):
    permission_required = "projects.manage_venues_anywhere"

    def organisations(self):
        return organisations_for(self.request.user, COORDINATING_ROLES)


class VenueListView(VenueLibraryMixin, TemplateView):
    template_name = "projects/venue_list.html"

    def get_context_data(self, **kwargs):
        ids = organisation_ids_for(self.request.user, COORDINATING_ROLES)
        return super().get_context_data(venues=venues_for(ids), **kwargs)


class VenueFormView(ServiceFormMixin, VenueLibraryMixin, FormView):
    template_name = "projects/venue_form.html"
    form_class = VenueForm
    success_message = "Venue saved."
    success_url = reverse_lazy("projects:venues")

    def get_venue(self):
        return None

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_venue(),
            "organisations": self.organisations(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(venue=self.get_venue(), **kwargs)

    def call_service(self, form):
        venue = self.get_venue()
        organisation = venue.organisation if venue else form.cleaned_data["organisation"]
        if not self.request.user.has_perm("projects.manage_venues", organisation):
            raise Http404
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if venue is not None:
            data["version"] = form.cleaned_data.get("version")
        return services.venue_save(
            organisation=organisation, by=self.request.user, venue=venue, **data
        )


class VenueCreateView(VenueFormView):
    pass


class VenueUpdateView(StaleFormMixin, VenueFormView):
    stale_what = "this venue"

    def get_venue(self):
        if not hasattr(self, "venue"):
            ids = organisation_ids_for(self.request.user, COORDINATING_ROLES)
            self.venue = get_object_or_404(venues_for(ids), pk=self.kwargs["venue_pk"])
        return self.venue
