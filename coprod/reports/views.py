"""Report pages: the portfolio, a project report, its tables as CSV, funder access. HTTP only."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.generic import FormView, TemplateView, View

from coprod.accounts.models import StaffRole
from coprod.accounts.navigation import places_for_request
from coprod.accounts.permissions import PermissionRequiredMixin
from coprod.accounts.selectors import organisation_ids_for
from coprod.csv_safe import stream_csv
from coprod.reports import selectors, services, suppression
from coprod.reports.figures.cached import project_report_kept, report_stamp, timeout
from coprod.reports.figures.grids import project_life
from coprod.reports.figures.portfolio import PORTFOLIO_COLUMNS, portfolio, portfolio_sorted
from coprod.reports.forms import FunderAccessForm, PeriodForm
from coprod.reports.models import FunderGrant, ReportEvent
from coprod.reports.selectors import active_funder_grants, projects_reportable_by
from coprod.reports.templatetags.report_figures import figure_text
from coprod.views import PostActionView, ServiceFormMixin
from projects.ending.selectors import milestones_for
from projects.models import Project, StoryReach, StoryUse
from projects.stories.selectors import VOICES_COLUMNS, released_voices, voices_rows
from projects.stories.services import story_uses_record

# The table of released quotes, downloaded from the report's own CSV address.
VOICES_TABLE = "voices"

SORTABLE = dict(PORTFOLIO_COLUMNS)


class ReportListView(PermissionRequiredMixin, TemplateView):
    """The portfolio: one row per project this person may read, sortable by any column."""

    permission_required = "reports.view_report_list"
    template_name = "reports/report_list.html"
    per_page = 25

    def get_context_data(self, **kwargs):
        user = self.request.user
        sort = self.request.GET.get("sort", "project")
        sort = sort if sort in SORTABLE else "project"
        order = "desc" if self.request.GET.get("order") == "desc" else "asc"
        descending = order == "desc"
        projects = projects_reportable_by(user)
        if sort == "project":
            # Only this page's projects are counted: the page costs the same for 10 or 300.
            title = Lower("title").desc() if descending else Lower("title").asc()
            page = Paginator(
                projects.order_by(title, "-pk" if descending else "pk"), self.per_page
            ).get_page(self.request.GET.get("page"))
            rows = portfolio_sorted(
                portfolio(Project.objects.filter(pk__in=[p.pk for p in page.object_list])),
                sort,
                descending=descending,
            )
        else:
            # Sorting by a figure needs every project's figures (each from stored totals).
            page = Paginator(
                portfolio_sorted(portfolio(projects), sort, descending=descending), self.per_page
            ).get_page(self.request.GET.get("page"))
            rows = list(page.object_list)
        if rows:
            services.portfolio_read(user=user, projects=[row.project for row in rows])
        access_until = dict(active_funder_grants(user).values_list("project_id", "expires_on"))
        for row in rows:
            row.until = access_until.get(row.project.pk)
        ended = (
            selectors.funder_grants_ended(FunderGrant.objects.filter(user=user))
            .select_related("project__organisation")
            .order_by("project__title", "-expires_on")
        )
        columns = [
            {
                "key": key,
                "label": label,
                "sorted": key == sort,
                "order": order if key == sort else "",
                "next": "desc" if key == sort and order == "asc" else "asc",
            }
            for key, label in PORTFOLIO_COLUMNS
        ]
        return super().get_context_data(
            rows=rows,
            page=page,
            sort=sort,
            order=order,
            columns=columns,
            ended=_one_per_project(ended),
            can_manage=user.has_perm("reports.manage_funder_access"),
            **kwargs,
        )


def _one_per_project(grants):
    seen, result = set(), []
    for grant in grants:
        if grant.project_id not in seen:
            seen.add(grant.project_id)
            result.append(grant)
    return result


class ReportMixin(PermissionRequiredMixin):
    """A project's report: the project, the rule, and the period asked for."""

    permission_required = "reports.view_project_report"

    def get_permission_object(self):
        if not hasattr(self, "project"):
            self.project = get_object_or_404(
                Project.objects.select_related("organisation"), pk=self.kwargs["pk"]
            )
        return self.project

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated:
            project = self.get_permission_object()
            ended = (
                FunderGrant.objects.filter(user=user, project=project)
                .order_by("-expires_on")
                .first()
            )
            if ended is None:
                raise Http404("No report here.")
            return render(
                self.request,
                "reports/access_ended.html",
                {"grant": ended, "project": project},
                status=403,
            )
        return super().handle_no_permission()

    def period(self):
        """Return (form, period): the period is None when it is not one the project has."""
        life = project_life(self.project)
        form = PeriodForm(self.request.GET or None, whole=life)
        if not form.is_bound:
            return form, life
        if not form.is_valid():
            return form, None
        return form, form.cleaned_data["period"]


class ProjectReportView(ReportMixin, TemplateView):
    """A project's report for one period.

    The report, and the page's part that shows it, are kept in the cache under
    the stamp of the rows behind them (figures/cached.py): a funder reading an
    unchanged report costs one query for the stamp, not twenty for the figures.
    """

    template_name = "reports/project_report.html"

    def get(self, request, *args, **kwargs):
        form, period = self.period()
        if period is None:
            context = self.get_context_data(form=form, report=None)
            return self.render_to_response(context, status=400)
        now = timezone.now()
        stamp = report_stamp(self.project, now)
        report = SimpleLazyObject(
            lambda: project_report_kept(self.project, period=period, now=now, stamp=stamp)
        )
        services.report_used(
            user=request.user,
            kind=ReportEvent.Kind.VIEWED,
            project=self.project,
            detail=period.label,
        )
        # Voices are read fresh on every page, never kept: a story taken back
        # is gone from the next page anyone opens. Each showing is logged for its teller.
        voices = released_voices(self.project, StoryReach.FUNDER)
        story_uses_record(stories=voices.stories, place=StoryUse.Place.REPORT, viewer=request.user)
        # The CSV links name the period shown, and nothing else from the address.
        query = urlencode({"period": period.key}) if form.is_bound else ""
        return self.render_to_response(
            self.get_context_data(
                form=form,
                report=report,
                has_report=True,
                report_stamp=stamp,
                period_key=period.key,
                cache_seconds=timeout(),
                query=query,
                voices=voices,
                voices_table=VOICES_TABLE,
                milestones=milestones_for(self.project),
            )
        )

    def get_context_data(self, **kwargs):
        # Staff and funders go back to their list of reports; a member (who
        # has none) back to the project. The navigation already knows which.
        places = places_for_request(self.request)
        return super().get_context_data(
            project=self.project,
            threshold=suppression.threshold(),
            sees_list=any(place.url_name == "reports:list" for place in places),
            **kwargs,
        )


class ReportCsvView(ReportMixin, View):
    """One table of the report as CSV, with the same figures hidden as on the page."""

    def get(self, request, *args, **kwargs):
        form, period = self.period()
        if period is None:
            return HttpResponseBadRequest(
                " ".join(str(e) for errors in form.errors.values() for e in errors),
                content_type="text/plain; charset=utf-8",
            )
        if self.kwargs["table"] == VOICES_TABLE:
            return self.voices_csv(request)
        report = project_report_kept(self.project, period=period)
        table = report.table(self.kwargs["table"])
        if table is None:
            raise Http404("This report has no table by that name.")
        services.report_used(
            user=request.user,
            kind=ReportEvent.Kind.EXPORTED,
            project=self.project,
            detail=f"{table.key}, {period.label}",
        )
        filename = f"{slugify(self.project.title)[:40] or 'project'}-{table.key}-{period.key}.csv"
        rows = ([figure_text(cell, csv=True) for cell in row] for row in table.rows)
        return stream_csv(filename, table.columns, rows)

    def voices_csv(self, request):
        """The quotes released to funders, one a row; each story in it is logged for its teller."""
        voices = released_voices(self.project, StoryReach.FUNDER)
        story_uses_record(
            stories=[voice.story for voice in voices.voices if voice.quotes],
            place=StoryUse.Place.REPORT_CSV,
            viewer=request.user,
        )
        services.report_used(
            user=request.user,
            kind=ReportEvent.Kind.EXPORTED,
            project=self.project,
            detail=VOICES_TABLE,
        )
        filename = f"{slugify(self.project.title)[:40] or 'project'}-{VOICES_TABLE}.csv"
        return stream_csv(filename, VOICES_COLUMNS, voices_rows(voices))


class FunderAccessView(ServiceFormMixin, PermissionRequiredMixin, FormView):
    """Organisation admins give funders access to projects' reports, and see it used."""

    permission_required = "reports.manage_funder_access"
    template_name = "reports/funder_access.html"
    form_class = FunderAccessForm

    def organisation_ids(self):
        return organisation_ids_for(self.request.user, {StaffRole.ADMIN})

    def get_form_kwargs(self):
        projects = Project.objects.filter(organisation_id__in=self.organisation_ids()).order_by(
            "title"
        )
        return super().get_form_kwargs() | {"projects": projects}

    def get_context_data(self, **kwargs):
        ids = self.organisation_ids()
        grants = (
            FunderGrant.objects.filter(project__organisation_id__in=ids)
            .select_related("project", "user", "granted_by")
            .order_by("revoked_at", "-expires_on", "user__email")
        )
        return super().get_context_data(
            open_grants=selectors.funder_grants_open(grants),
            ended_grants=selectors.funder_grants_ended(grants)[:50],
            events=ReportEvent.objects.filter(organisation_id__in=ids).select_related("project")[
                :100
            ],
            **kwargs,
        )

    def form_valid(self, form):
        organisations = {project.organisation for project in form.cleaned_data["projects"]}
        if len(organisations) != 1:
            form.add_error("projects", "Choose projects of one organisation at a time.")
            return self.form_invalid(form)
        return super().form_valid(form)

    def call_service(self, form):
        data = form.cleaned_data
        projects = list(data["projects"])
        return services.funder_access_grant(
            organisation=projects[0].organisation,
            by=self.request.user,
            email=data["email"],
            name=data["name"],
            projects=projects,
            expires_on=data["expires_on"],
        )

    def get_success_message(self, form, result):
        data = form.cleaned_data
        count = len(data["projects"])
        return (
            f"{data['email']} can now read reports on {count} "
            f"project{'s' if count != 1 else ''}. We have emailed them."
        )


class FunderAccessEndView(PermissionRequiredMixin, PostActionView):
    permission_required = "reports.manage_funder_access"

    def act(self):
        grant = get_object_or_404(
            FunderGrant,
            pk=self.kwargs["grant_pk"],
            project__organisation_id__in=organisation_ids_for(self.request.user, {StaffRole.ADMIN}),
        )
        if grant.revoked_at is not None:
            raise ValidationError("This access had already ended.")
        services.funder_access_revoke(grant=grant, by=self.request.user)
        return f"{grant.user.email} can no longer read reports on {grant.project.title}."

    def done_url(self):
        return reverse("reports:funders")
