"""A project's outbox page, its reminder rules, and coordinators' actions on a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView

from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.notifications import services
from coprod.notifications.selectors import (
    notification_get_for_staff,
    outbox_for_project,
    rules_for_page,
)
from coprod.versions import VersionForm, add_stale_notice, is_stale, typed_rows
from coprod.views import PostActionView
from projects.mixins import ProjectMixin
from projects.outbox.forms import ReminderRuleFormSet


class OutboxView(ProjectMixin, TemplateView):
    """What was sent to whom, when and how, and what failed."""

    permission_required = "projects.view_outbox"
    template_name = "projects/outbox/outbox.html"

    def get_context_data(self, **kwargs):
        only_problems = self.request.GET.get("show") == "problems"
        page = Paginator(
            outbox_for_project(self.project, only_problems=only_problems), 50
        ).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, only_problems=only_problems, **kwargs)


class ReminderRulesView(ProjectMixin, TemplateView):
    """When a project's reminders go. Showing the page only reads: a project has
    its default rules from when it was made (project_create)."""

    permission_required = "projects.change_reminder_rules"
    template_name = "projects/outbox/reminder_rules.html"

    def get_context_data(self, **kwargs):
        if "formset" not in kwargs:
            kwargs["formset"] = ReminderRuleFormSet(
                prefix="rules",
                initial=[
                    {
                        "rule": rule.pk,
                        "label": rule.label,
                        "hours_before": rule.minutes_before / 60,
                        "sms_only": rule.sms_only,
                        "active": rule.active,
                    }
                    for rule in rules_for_page(self.project)
                ],
            )
            kwargs["version_form"] = VersionForm(
                prefix="rules", version=services.reminder_rules_version(self.project)
            )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        formset = ReminderRuleFormSet(request.POST, prefix="rules")
        # The stamp of the rules this page showed; it also carries the list's own errors.
        version_form = VersionForm(request.POST, prefix="rules")
        if formset.is_valid() and version_form.is_valid():
            rows = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            try:
                services.reminder_rules_save(
                    project=self.project, by=request.user, rows=rows, version=version_form.seen()
                )
            except ValidationError as error:
                if is_stale(error):
                    add_stale_notice(request, services.RULES_WHAT)
                    typed = typed_rows(formset.forms)
                    return self.render_to_response(self.get_context_data(stale_typed=typed))
                version_form.add_error(None, error)
            else:
                messages.success(
                    request, "Reminders saved. They apply to meetings planned from now."
                )
                return redirect(request.path)
        return self.render_to_response(
            self.get_context_data(formset=formset, version_form=version_form)
        )


class NotificationActionView(PermissionRequiredMixin, PostActionView):
    permission_required = "projects.act_on_message"

    def get_permission_object(self):
        if not hasattr(self, "notification"):
            self.notification = notification_get_for_staff(self.request.user, self.kwargs["pk"])
        return self.notification

    def done_url(self):
        return _back(self.request)


def _back(request) -> str:
    back = request.POST.get("next", "")
    return back if back.startswith("/") and not back.startswith("//") else "/"


class NotificationRetryView(NotificationActionView):
    def act(self):
        services.notification_retry(notification=self.get_permission_object(), by=self.request.user)
        return "Trying again now."


class NotificationToldView(NotificationActionView):
    def act(self):
        notification = services.notification_mark_told(
            notification=self.get_permission_object(), by=self.request.user
        )
        return f"Recorded: {notification.recipient_name} was told."


class NotificationsToldView(PermissionRequiredMixin, PostActionView):
    """Record that a coordinator told several people themself (a meeting's phone calls).

    Ids outside the organisations the user coordinates, or already dealt
    with, are ignored by the service.
    """

    permission_required = "projects.act_on_messages"

    def act(self):
        ids = [
            int(value)
            for value in self.request.POST.getlist("ids")
            if value.isdigit() and len(value) <= 18
        ]
        count = services.notifications_mark_told(ids=ids, by=self.request.user)
        if not count:
            return "Nothing to record: these were already dealt with."
        return f"Recorded: {count} marked as told."

    def done_url(self):
        return _back(self.request)
