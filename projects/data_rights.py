"""What the projects app holds about a participant, for export and erasure."""

from participants.data_rights import register
from projects.models import Endorsement, LadderAssessment, ValueVersion

REMOVED = "(removed at the person's request)"


def export_contributions(participant):
    return {
        "values_endorsed": [
            f"{e.version.value.project.title}: {e.version.title}"
            for e in Endorsement.objects.filter(participant=participant).select_related(
                "version__value__project"
            )
        ],
        "views_on_the_ladder": [
            {
                "project": v.project.title,
                "step": v.get_rung_display(),
                "why": v.reason,
                "when": v.created_at,
            }
            for v in LadderAssessment.objects.filter(participant=participant).select_related(
                "project"
            )
        ],
        "values_suggested_or_worded": [
            f"{v.value.project.title}: {v.title}"
            for v in ValueVersion.objects.filter(written_by_id=participant.user_id).select_related(
                "value__project"
            )
        ]
        if participant.user_id
        else [],
    }


def erase_contributions(participant):
    # Endorsements and ladder steps stay as anonymous counts; their own words go.
    LadderAssessment.objects.filter(participant=participant).update(reason=REMOVED)


register(section="contributions", export=export_contributions, erase=erase_contributions)
