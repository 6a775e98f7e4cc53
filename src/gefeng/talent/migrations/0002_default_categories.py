"""The categories a new installation starts with (the county edits them afterwards)."""

from django.db import migrations

DEFAULTS = [
    ("labour_model", "劳动模范", ["labour_model"]),
    ("craftsman", "工匠", ["craftsman"]),
    ("advanced_worker", "先进工作者", ["advanced_worker"]),
    ("moral_model", "道德模范", ["moral_model"]),
    ("civilized_worker", "文明职工", ["civilized_worker", "top_civilized_worker"]),
    ("may_day_medal", "五一劳动奖章获得者", ["may_day_medal"]),
    ("skilled_talent", "技能人才", []),
]


def create(apps, schema_editor):
    category = apps.get_model("talent", "TalentCategory")
    for order, (code, name, kinds) in enumerate(DEFAULTS, start=1):
        category.objects.get_or_create(code=code, defaults={"name": name, "honour_kinds": kinds, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
