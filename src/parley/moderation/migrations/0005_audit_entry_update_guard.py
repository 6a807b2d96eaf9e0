"""A database trigger that refuses any UPDATE of an audit entry, whoever runs it.

DELETE is refused by the application (and PROTECT foreign keys); it is not blocked in the database
so that test runs can still empty their tables.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS moderation_auditentry_no_update
BEFORE UPDATE ON moderation_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS moderation_auditentry_no_update;"
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION moderation_auditentry_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS moderation_auditentry_no_update ON moderation_auditentry;
CREATE TRIGGER moderation_auditentry_no_update BEFORE UPDATE ON moderation_auditentry
    FOR EACH ROW EXECUTE FUNCTION moderation_auditentry_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS moderation_auditentry_no_update ON moderation_auditentry;
DROP FUNCTION IF EXISTS moderation_auditentry_refuse_update();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0004_sso_identity"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
