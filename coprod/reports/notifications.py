"""The message report access causes (to the funder), and how the dashboard names a grant.

`register()` runs from ReportsConfig.ready(); the words are in
templates/reports/notifications/.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format

from coprod.notifications import kinds, topics
from coprod.reports.models import FunderGrant

REPORT_ACCESS = "report_access"


def access_context(notification) -> dict:
    grant = notification.about
    return {
        "grant": grant,
        "until": date_format(grant.expires_on, "j F Y"),
        "organisation": grant.project.organisation,
        "link": settings.COPROD_BASE_URL + reverse("reports:list"),
    }


def grant_topics(ids):
    rows = FunderGrant.objects.filter(pk__in=ids).select_related("user")
    return {
        grant.pk: topics.Topic(
            f"Report access for {grant.user}",
            f"Until {date_format(grant.expires_on, 'j F Y')}",
        )
        for grant in rows
    }


def register() -> None:
    kinds.register(
        REPORT_ACCESS,
        label="Report access given (to funders)",
        build=access_context,
        template="reports/notifications/report_access",
    )
    topics.register("reports.FunderGrant", grant_topics)
