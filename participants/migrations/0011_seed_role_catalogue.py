"""Give every organisation the starting role catalogue, and carry co-leads over."""

from django.db import migrations

DEFAULT_ROLES = [
    ("Member", "Takes part in the group.", False, False, False),
    ("Co-lead", "Leads the project alongside staff.", True, True, True),
    ("Peer researcher", "Does research with and for people with lived experience.", False, False, True),
    ("Panel member", "Sits on interview or recruitment panels.", False, False, False),
    ("Facilitator", "Runs sessions and keeps discussions fair.", False, True, False),
    ("Note-taker", "Writes down what was said and agreed.", False, False, False),
    ("Agenda-setter", "Decides with others what meetings talk about.", False, True, False),
    ("Chair", "Chairs meetings.", False, True, False),
]


def forwards(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    ProjectRole = apps.get_model("participants", "ProjectRole")
    ProjectMembership = apps.get_model("participants", "ProjectMembership")
    for organisation in Organisation.objects.all():
        for name, description, leads, agendas, updates in DEFAULT_ROLES:
            ProjectRole.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={
                    "description": description,
                    "leads_project": leads,
                    "edits_agendas": agendas,
                    "posts_updates": updates,
                },
            )
    for membership in ProjectMembership.objects.select_related("participant"):
        name = "Co-lead" if membership.role == "co_lead" else "Member"
        role = ProjectRole.objects.get(organisation_id=membership.participant.organisation_id, name=name)
        membership.roles.add(role)


class Migration(migrations.Migration):
    dependencies = [("participants", "0010_role_catalogue"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
