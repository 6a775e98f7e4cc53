"""Move honours attachments from `DATA_DIR/honours/<name>` into the default storage
(`DATA_DIR/media/honours/<name>`, the home of every uploaded file) and write the new name into
`stored`. A file that is missing is left as it is (its bare name is still read from the old
folder, see `services.attachments.attachment_open`)."""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import migrations

FOLDER = "honours"


def forwards(apps, schema_editor):
    Attachment = apps.get_model("honours", "Attachment")
    old = Path(settings.DATA_DIR) / FOLDER
    for attachment in Attachment.objects.exclude(stored__contains="/").iterator():
        source = old / Path(attachment.stored).name
        if not source.is_file():
            continue
        with open(source, "rb") as handle:
            stored = default_storage.save(f"{FOLDER}/{source.name}", File(handle))
        Attachment.objects.filter(pk=attachment.pk).update(stored=stored)
        source.unlink()


def backwards(apps, schema_editor):
    Attachment = apps.get_model("honours", "Attachment")
    old = Path(settings.DATA_DIR) / FOLDER
    old.mkdir(parents=True, exist_ok=True, mode=0o700)
    for attachment in Attachment.objects.filter(stored__startswith=f"{FOLDER}/").iterator():
        if not default_storage.exists(attachment.stored):
            continue
        target = old / Path(attachment.stored).name
        with default_storage.open(attachment.stored, "rb") as handle, open(target, "xb") as out:
            out.write(handle.read())
        target.chmod(0o600)
        default_storage.delete(attachment.stored)
        Attachment.objects.filter(pk=attachment.pk).update(stored=target.name)


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
