"""The import stage (`ImportRow`) as an UNLOGGED table on PostgreSQL.

Staged rows are a scratch copy: an import reads them once into the registry, in its final
transaction, and deletes them. Writing them to the WAL as well doubled the disk writes of a large
import. An unlogged table is still transactional; after a server crash it is emptied, which only
means an interrupted import runs again from its file (`importer.run` starts by clearing the stage
anyway). SQLite has no such thing: nothing to do there.
"""

from django.db import migrations


def unlogged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_importrow SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE members_importrow SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_status_name")]

    operations = [migrations.RunPython(unlogged, logged, elidable=False)]
