from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import FormView, TemplateView, View

from coprod import throttles
from coprod.accounts.models import StaffRole
from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import COORDINATING_ROLES, organisations_for
from coprod.formerrors import add_service_errors
from coprod.versions import StaleFormMixin
from coprod.views import ServiceFormMixin
from participants import invitations, services
from participants.data_rights import FORMATS, data_export_file, participant_erase
from participants.forms import (
    AcceptForm,
    AddOnBehalfForm,
    AssetsForm,
    BreakForm,
    CommunicationForm,
    ContactForm,
    CreditForm,
    EraseForm,
    ExportOnRequestForm,
    InviteForm,
    JoinCodeForm,
    MembershipForm,
    PeopleFilterForm,
    PrivateNotesForm,
    RoleForm,
)
from participants.mixins import OwnProfileMixin
from participants.models import ConsentTopic, ProjectRole
from participants.phones import phone_for_display
from participants.selectors import (
    access_log_for,
    consent_states,
    current_wording,
    has_consent,
    invitation_waiting_for,
    membership_get_for_staff,
    membership_get_own,
    participant_get_for_data_rights,
    participant_get_for_staff,
    people_for_staff,
    private_notes_readers,
    profile_summary,
)


class AboutMeView(OwnProfileMixin, TemplateView):
    template_name = "participants/about_me.html"

    def get_context_data(self, **kwargs):
        notes = services.private_notes_read(
            participant=self.get_permission_object(), viewer=self.request.user
        )
        return super().get_context_data(
            notes=notes,
            readers=private_notes_readers(self.participant),
            **profile_summary(self.participant),
            **kwargs,
        )


class PrivateNotesEditView(StaleFormMixin, ServiceFormMixin, OwnProfileMixin, FormView):
    stale_what = "these notes"
    template_name = "participants/private_notes_form.html"
    form_class = PrivateNotesForm
    success_message = "Saved. Only the people listed can see this."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_permission_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(readers=private_notes_readers(self.participant), **kwargs)

    def call_service(self, form):
        return services.private_notes_update(
            participant=self.participant, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.done_url()

    def done_url(self):
        return reverse("participants:about_me", kwargs={"pk": self.participant.pk})


class ProfileSectionView(StaleFormMixin, ServiceFormMixin, OwnProfileMixin, FormView):
    """One section of "About me", edited on its own page. Subclasses say which service."""

    stale_what = "this section"
    success_message = "Saved."
    template_name = "participants/profile_section.html"
    heading = ""
    intro = ""
    who_can_see = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_permission_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, intro=self.intro, who_can_see=self.who_can_see, **kwargs
        )

    def get_success_url(self):
        return self.done_url()

    def done_url(self):
        return reverse("participants:about_me", kwargs={"pk": self.participant.pk})


class ContactEditView(ProfileSectionView):
    form_class = ContactForm
    heading = "Your name and how to reach you"
    intro = "Tell us what to call you and the best way to get in touch."
    who_can_see = (
        "Coordinators at your organisation, so they can reach you. Your full name is "
        "only used to pay you. Other members and funders never see these details."
    )

    def call_service(self, form):
        return services.profile_update_contact(
            participant=self.participant, by=self.request.user, **form.cleaned_data
        )


class CommunicationEditView(ProfileSectionView):
    form_class = CommunicationForm
    heading = "How we communicate with you"
    intro = "Tick what helps. We use this to send papers the right way and in good time."
    who_can_see = "The coordinators of your projects, because they act on it. Nobody else."

    def call_service(self, form):
        return services.profile_update_communication(
            participant=self.participant, by=self.request.user, **form.cleaned_data
        )


class CreditEditView(ProfileSectionView):
    form_class = CreditForm
    heading = "How you are named, your story, and about you"
    intro = (
        "Choose how your name appears in anything we publish, like reports or stories, "
        "and whether we may ask you to tell your story."
    )
    who_can_see = (
        "Your choice applies everywhere we show names. What you write about yourself is "
        "never shown to anyone: it is only counted."
    )

    def call_service(self, form):
        return services.profile_update_credit(
            participant=self.participant, by=self.request.user, **form.cleaned_data
        )


class AssetsEditView(ProfileSectionView):
    form_class = AssetsForm
    heading = "What you bring"
    intro = "Your skills, interests, goals and experience. Tick any, or add your own words."
    who_can_see = (
        "Coordinators at your organisation, to find roles you might enjoy. "
        "Other members and funders do not see it."
    )

    def get_form_kwargs(self):
        kwargs = FormView.get_form_kwargs(self)
        return {**kwargs, "participant": self.get_permission_object()}

    def call_service(self, form):
        return services.assets_update(
            participant=self.participant, by=self.request.user, **form.service_arguments()
        )


class AccessLogView(OwnProfileMixin, TemplateView):
    template_name = "participants/access_log.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=access_log_for(self.get_permission_object()), **kwargs
        )


class PersonView(PermissionRequiredMixin, TemplateView):
    """A coordinator's page about one person. Opening private notes is logged."""

    permission_required = "participants.view_person"
    template_name = "participants/person_detail.html"

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_for_staff(self.request.user, self.kwargs["pk"])
        return self.participant

    def get_context_data(self, **kwargs):
        participant = self.participant
        user = self.request.user
        notes = needs = None
        if user.has_perm("participants.view_private_notes", participant):
            notes = services.private_notes_read(participant=participant, viewer=user)
        show_needs = user.has_perm("participants.view_communication_needs", participant)
        if show_needs:
            needs = services.communication_needs_read(participant=participant, viewer=user)
        return super().get_context_data(
            participant=participant,
            notes=notes,
            show_needs=show_needs,
            needs=needs,
            consents=consent_states(participant),
            may_contact=has_consent(participant, ConsentTopic.CONTACT),
            **profile_summary(participant),
            memberships=participant.memberships.select_related("project")
            .prefetch_related("roles")
            .order_by("project__title"),
            readers=private_notes_readers(participant),
            invitation=invitation_waiting_for(participant),
            now=timezone.now(),
            **kwargs,
        )


class OwnMembershipMixin(PermissionRequiredMixin):
    permission_required = "participants.change_own_membership"

    def get_permission_object(self):
        if not hasattr(self, "membership"):
            self.membership = membership_get_own(self.request.user, self.kwargs["pk"])
        return self.membership

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, **kwargs)


class TakeBreakView(ServiceFormMixin, OwnMembershipMixin, FormView):
    template_name = "participants/take_break.html"
    form_class = BreakForm
    success_url = reverse_lazy("participants:home")

    def get_initial(self):
        return {"check_in_on": self.get_permission_object().check_in_on}

    def call_service(self, form):
        return services.membership_take_break(
            membership=self.get_permission_object(), by=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, form, result):
        project = self.membership.project
        if result.check_in_on:
            day = date_format(result.check_in_on, "j F Y")
            return f"You are taking a break from {project}. We will check in with you on {day}."
        return f"You are taking a break from {project}. Come back whenever you are ready."


class ComeBackView(OwnMembershipMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = self.get_permission_object()
        try:
            services.membership_come_back(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Welcome back to {membership.project}.")
        return redirect("participants:home")


class ConsentView(OwnProfileMixin, TemplateView):
    """What the person has agreed to, each with one button to change it."""

    template_name = "participants/consent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            states=consent_states(self.get_permission_object()), **kwargs
        )


class ConsentChangeView(OwnProfileMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        participant = self.get_permission_object()
        topic, answer = request.POST.get("topic", ""), request.POST.get("answer", "")
        if topic not in ConsentTopic.values or answer not in ("yes", "no"):
            messages.error(request, "Something went wrong. Please try again.")
        else:
            try:
                services.consent_record(
                    participant=participant,
                    topic=topic,
                    given=answer == "yes",
                    by=request.user,
                    on_behalf=self.on_behalf,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                label = ConsentTopic(topic).label.lower()
                messages.success(
                    request,
                    f"Thank you. You agreed to {label}."
                    if answer == "yes"
                    else f"Done. You no longer agree to {label}. This applies everywhere now.",
                )
        return redirect(self.done_url())

    on_behalf = False

    def done_url(self):
        return reverse("participants:consent", kwargs={"pk": self.participant.pk})


class MyDataView(OwnProfileMixin, TemplateView):
    template_name = "participants/my_data.html"


class DataRightsMixin(PermissionRequiredMixin):
    """Someone's whole data: anyone logged in who may not act on it gets 404."""

    request: HttpRequest

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_for_data_rights(self.request.user, self.kwargs["pk"])
        return self.participant

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()

    def download(self, fmt: str, on_request: str = "") -> HttpResponse:
        viewer = self.request.user
        assert viewer.is_authenticated  # the permission needs a login
        body = data_export_file(
            participant=self.participant, by=viewer, fmt=fmt, on_request=on_request
        )
        content_type = "application/json" if fmt == "json" else "text/csv"
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        # A neutral name for staff: a download folder should not list whose data it holds.
        mine = self.participant.user_id == self.request.user.pk
        name = "coprod-my-data" if mine else f"coprod-data-person-{self.participant.pk}"
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


class DataExportView(DataRightsMixin, View):
    """Everything we hold about the person, as JSON or CSV, to keep or take elsewhere."""

    permission_required = "participants.export_data"

    def get(self, request, *args, **kwargs):
        self.get_permission_object()
        if kwargs["fmt"] not in FORMATS:
            raise Http404
        return self.download(kwargs["fmt"])


class DataExportOnRequestView(DataRightsMixin, FormView):
    """An organisation admin writes down the person's request, then downloads their data."""

    permission_required = "participants.export_data_on_request"
    template_name = "participants/export_on_request.html"
    form_class = ExportOnRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "participant": self.get_permission_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(participant=self.participant, **kwargs)

    def form_valid(self, form):
        return self.download(form.cleaned_data["fmt"], form.cleaned_data["on_request"])


class EraseView(DataRightsMixin, FormView):
    """Erase a person's data, at their request. Asks for a clear confirmation first."""

    permission_required = "participants.erase_data"
    template_name = "participants/erase_confirm.html"
    form_class = EraseForm

    def is_self(self) -> bool:
        return self.get_permission_object().user_id == self.request.user.pk

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "participant": self.get_permission_object(),
            "by_staff": not self.is_self(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            participant=self.get_permission_object(), is_self=self.is_self(), **kwargs
        )

    def form_valid(self, form):
        is_self = self.is_self()
        try:
            erased = participant_erase(
                participant=self.participant,
                by=self.request.user,
                on_request=form.cleaned_data.get("on_request", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if is_self:
            logout(self.request)
            return render(self.request, "participants/erased.html", {"pseudonym": erased.pseudonym})
        messages.success(
            self.request, f"Erased. Their records now read “Former member” ({erased.pseudonym})."
        )
        return redirect("accounts:dashboard")


class CoordinatorMixin(PermissionRequiredMixin):
    permission_required = "participants.add_people"

    def organisations(self):
        return organisations_for(self.request.user, COORDINATING_ROLES)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations()}


class InviteView(CoordinatorMixin, FormView):
    template_name = "participants/invite_form.html"
    form_class = InviteForm

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            invitation, code = invitations.invitation_create(by=self.request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        # The code exists only now: show it once, to read out by phone if needed.
        return render(
            self.request,
            "participants/invitation_sent.html",
            {
                "invitation": invitation,
                "code": code,
                "link": settings.COPROD_BASE_URL + invitation.link,
            },
        )


class InvitationRenewView(PermissionRequiredMixin, TemplateView):
    """Send a waiting invitation a new code: unlocks one locked by wrong codes."""

    permission_required = "participants.renew_invitation"
    template_name = "participants/invitation_renew.html"

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_for_staff(self.request.user, self.kwargs["pk"])
            self.invitation = invitation_waiting_for(self.participant)
            if self.invitation is None:
                raise Http404
        return self.participant

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            participant=self.participant, invitation=self.invitation, now=timezone.now(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        try:
            invitation, code = invitations.invitation_code_renew(
                invitation=self.invitation, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("participants:person", pk=self.participant.pk)
        # As when inviting: the new code exists only now, so it is shown this once.
        return render(
            request,
            "participants/invitation_sent.html",
            {
                "invitation": invitation,
                "code": code,
                "renewed": True,
                "link": settings.COPROD_BASE_URL + invitation.link,
            },
        )


class AddOnBehalfView(ServiceFormMixin, CoordinatorMixin, FormView):
    template_name = "participants/add_on_behalf_form.html"
    form_class = AddOnBehalfForm

    def call_service(self, form):
        return invitations.participant_add_on_behalf(by=self.request.user, **form.cleaned_data)

    def get_success_message(self, form, result):
        return f"{result.preferred_name} is added. You act for them."

    def get_success_url(self):
        return reverse("participants:person", kwargs={"pk": self.result.pk})


class JoinView(FormView):
    """Anyone with a code from an invitation starts here: no login needed.

    The code is typed with the email or phone number it was sent to; wrong
    codes are limited (see `invitations.invitation_find_by_code`).
    """

    template_name = "participants/join.html"
    form_class = JoinCodeForm

    def form_valid(self, form):
        try:
            invitation = invitations.invitation_find_by_code(
                contact=form.cleaned_data["contact"],
                code=form.cleaned_data["code"],
                ip=throttles.client_ip(self.request),
                session=throttles.client_session(self.request),
            )
        except ValidationError as error:
            form.add_error("code", error.messages)
            status = 429 if error.code in ("locked", "throttled") else 200
            return self.render_to_response(self.get_context_data(form=form), status=status)
        # Only a hash of the emailed link is kept, so the right code earns a new one.
        return redirect(invitations.invitation_link_issue(invitation=invitation).link)


class AcceptView(FormView):
    """Say yes to an invitation: a login without a password, and a place in the project."""

    template_name = "participants/accept.html"
    form_class = AcceptForm

    def dispatch(self, request, *args, **kwargs):
        clients = [
            (invitations.WRONG_LINKS_PER_SESSION, throttles.client_session(request)),
            (invitations.WRONG_LINKS_PER_IP, throttles.client_ip(request)),
        ]
        if any(limit.is_blocked(key) for limit, key in clients):
            return render(
                request,
                "participants/invitation_problem.html",
                {"problem": invitations.TOO_MANY_LINKS},
                status=429,
            )
        try:
            self.invitation = invitations.invitation_find(token=kwargs["token"])
        except ValidationError as error:
            if error.code == "not_found":
                for limit, key in clients:
                    limit.fail(key)
            return render(
                request, "participants/invitation_problem.html", {"problem": error.messages[0]}
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        if self.request.user.is_authenticated:
            email_for = "contact"
        else:
            email_for = "" if self.invitation.email else "login"
        wording = current_wording(ConsentTopic.CONTACT)
        return {
            **super().get_form_kwargs(),
            "email_for": email_for,
            "wording": wording.text if wording else "",
        }

    def get_initial(self):
        person = self.invitation.participant
        user = self.request.user
        return {
            "preferred_name": person.preferred_name,
            "email": person.email or (user.email if user.is_authenticated else ""),
            "preferred_channel": person.preferred_channel,
            "phone": phone_for_display(person.phone),
            "contact_times": person.contact_times,
        }

    def get_context_data(self, **kwargs):
        # Invited by email and not logged in: that address is the one we write to.
        known = "" if self.request.user.is_authenticated else self.invitation.email
        return super().get_context_data(invitation=self.invitation, email_known=known, **kwargs)

    def form_valid(self, form):
        user = self.request.user if self.request.user.is_authenticated else None
        try:
            user, participant = invitations.invitation_accept(
                invitation=self.invitation, user=user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if not self.request.user.is_authenticated:
            login(self.request, user, backend="coprod.accounts.backends.LoginBackend")
        welcome = f"Welcome, {participant.preferred_name}. You are in."
        if not form.cleaned_data["may_contact"]:
            welcome += (
                " We will not contact you. You can change this at any time on “What you agree to”."
            )
        messages.success(self.request, welcome)
        return redirect("participants:about_me", pk=participant.pk)


class PeopleListView(CoordinatorMixin, TemplateView):
    """Everyone in the organisations the coordinator works for, filtered by what they need."""

    template_name = "participants/people_list.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        form = PeopleFilterForm(self.request.GET or None, organisations=self.organisations())
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        people = people_for_staff(self.request.user, **{k: v for k, v in filters.items() if v})
        page = Paginator(people, self.per_page).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=form, page=page, query=query.urlencode(), **kwargs)


class MembershipEditView(StaleFormMixin, ServiceFormMixin, PermissionRequiredMixin, FormView):
    """A coordinator sets someone's status and roles in one project."""

    stale_what = "this person's part in the project"
    success_message = "Saved."
    permission_required = "projects.change_project"
    template_name = "participants/membership_form.html"
    form_class = MembershipForm

    def get_permission_object(self):
        if not hasattr(self, "membership"):
            self.membership = membership_get_for_staff(self.request.user, self.kwargs["pk"])
        return self.membership.project

    def get_form_kwargs(self):
        self.get_permission_object()
        return {**super().get_form_kwargs(), "membership": self.membership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, **kwargs)

    def call_service(self, form):
        return services.membership_update(
            membership=self.membership, by=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("participants:person", kwargs={"pk": self.membership.participant_id})


class RoleCatalogueView(ServiceFormMixin, PermissionRequiredMixin, FormView):
    """The organisation's roles, and adding a new one (organisation admins)."""

    permission_required = "participants.manage_roles"
    template_name = "participants/roles.html"
    form_class = RoleForm
    success_url = reverse_lazy("participants:roles")

    def organisations(self):
        return organisations_for(self.request.user, [StaffRole.ADMIN])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations()}

    def get_context_data(self, **kwargs):
        roles = ProjectRole.objects.filter(organisation__in=self.organisations()).select_related(
            "organisation"
        )
        return super().get_context_data(roles=roles, **kwargs)

    def call_service(self, form):
        return services.role_create(by=self.request.user, **form.cleaned_data)

    def get_success_message(self, form, result):
        return f"“{form.cleaned_data['name']}” added."


class OnBehalfMixin(PermissionRequiredMixin):
    """The same pages, used by a coordinator for someone who does not log in."""

    permission_required = "participants.act_for"
    on_behalf = True

    def get_permission_object(self):
        if not hasattr(self, "participant"):
            self.participant = participant_get_for_staff(self.request.user, self.kwargs["pk"])
        return self.participant

    def get_context_data(self, **kwargs):
        return super().get_context_data(on_behalf=True, **kwargs)

    def done_url(self):
        return reverse("participants:person", kwargs={"pk": self.participant.pk})


class ContactForView(OnBehalfMixin, ContactEditView):
    pass


class CommunicationForView(OnBehalfMixin, CommunicationEditView):
    permission_required = "participants.act_for_communication_needs"

    def get_form_kwargs(self):
        # The form shows every answer to staff: log the read first.
        services.communication_needs_read(
            participant=self.get_permission_object(), viewer=self.request.user, always=True
        )
        return super().get_form_kwargs()


class AssetsForView(OnBehalfMixin, AssetsEditView):
    pass


class PrivateNotesForView(OnBehalfMixin, PrivateNotesEditView):
    permission_required = "participants.act_for_private_notes"

    def get_form_kwargs(self):
        # Showing the notes in the form is a read by staff: log it first.
        services.private_notes_read(
            participant=self.get_permission_object(), viewer=self.request.user
        )
        return super().get_form_kwargs()


class ConsentForView(OnBehalfMixin, ConsentView):
    pass


class ConsentChangeForView(OnBehalfMixin, ConsentChangeView):
    pass
