"""Grants made before the second-person confirmation existed stay in force."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    RoleGrant.objects.filter(confirmed_at__isnull=True).update(confirmed_at=F("granted_at"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security_pending_grants_history_throttle")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
