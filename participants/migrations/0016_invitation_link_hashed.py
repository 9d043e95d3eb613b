import hashlib

from django.db import migrations


def hash_links(apps, schema_editor):
    """Keep only a hash of each link's secret; links already sent keep working."""
    Invitation = apps.get_model("participants", "Invitation")
    for invitation in Invitation.objects.only("pk", "token_hash"):
        digest = hashlib.sha256(invitation.token_hash.encode()).hexdigest()
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0015_invitation_code_lock"),
    ]

    operations = [
        migrations.RenameField(model_name="invitation", old_name="token", new_name="token_hash"),
        # A hash cannot be turned back into a link: going back leaves links broken.
        migrations.RunPython(hash_links, migrations.RunPython.noop),
    ]
