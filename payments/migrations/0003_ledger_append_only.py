"""On PostgreSQL, the database itself refuses to change or delete a ledger row."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payments_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'payments_ledgerentry is append-only: add a reversal instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_ledger_append_only
    BEFORE UPDATE OR DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payments_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS payments_ledger_append_only ON payments_ledgerentry;
DROP FUNCTION IF EXISTS payments_ledger_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_seed_facts")]
    operations = [migrations.RunPython(create, drop)]
