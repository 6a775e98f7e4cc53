"""Fill the ID tail hashes of the members already registered, in primary-key ranges."""

from django.db import migrations

BATCH = 2000


def backfill(apps, schema_editor):
    from gefeng.core import pii
    from gefeng.members import idtail

    Member = apps.get_model("members", "Member")
    manager = Member.objects.using(schema_editor.connection.alias)
    blind = pii.Sealer().blind_index
    last = 0
    while True:
        # One range of the primary key at a time: memory stays bounded whatever the registry's size.
        batch = list(manager.filter(pk__gt=last).order_by("pk").only("pk", "id_number")[:BATCH])
        if not batch:
            break
        for member in batch:
            for column, value in idtail.fields(member.id_number or "", blind).items():
                setattr(member, column, value)
        manager.bulk_update(batch, idtail.COLUMNS, batch_size=BATCH)
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("members", "0007_member_id_tails")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
