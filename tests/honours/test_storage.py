"""Attachments live in the default storage; files stored the old way (a bare name under
DATA_DIR/honours) are moved there by migration 0002 and read from their old place until then."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from gefeng.core.actors import SYSTEM
from gefeng.honours import services
from gefeng.honours.models import Attachment
from tests.honours.conftest import PNG, join, nominate, open_campaign

pytestmark = pytest.mark.django_db

migration = importlib.import_module("gefeng.honours.migrations.0002_attachments_to_default_storage")


def _legacy(tree, settings, name="0123abcd.png"):
    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "旧材料"))
    folder = settings.DATA_DIR / "honours"
    folder.mkdir()
    (folder / name).write_bytes(PNG)
    return Attachment.objects.create(
        nomination=n, filename="事迹.png", stored=name, size=len(PNG), content_type="image/png"
    )


def test_an_old_file_is_read_from_its_old_folder(tree, settings, login_as):
    old = _legacy(tree, settings)
    with services.attachment_open(old) as handle:
        assert handle.read() == PNG
    response = login_as("county").get(reverse("honours:attachment-download", args=[old.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG


def test_the_migration_moves_old_files_into_the_default_storage(tree, settings):
    old = _legacy(tree, settings)
    gone = Attachment.objects.create(
        nomination=old.nomination, filename="丢失.png", stored="missing.png", size=1, content_type="image/png"
    )
    migration.forwards(apps, None)
    old.refresh_from_db()
    gone.refresh_from_db()
    assert old.stored == "honours/0123abcd.png"
    assert (settings.DATA_DIR / "media" / "honours" / "0123abcd.png").read_bytes() == PNG
    assert not (settings.DATA_DIR / "honours" / "0123abcd.png").exists()
    assert gone.stored == "missing.png"  # nothing to move: left for the old folder
    with services.attachment_open(old) as handle:
        assert handle.read() == PNG
    migration.forwards(apps, None)  # again: nothing changes
    old.refresh_from_db()
    assert old.stored == "honours/0123abcd.png"


def test_the_migration_can_be_reversed(tree, settings):
    old = _legacy(tree, settings)
    migration.forwards(apps, None)
    migration.backwards(apps, None)
    old.refresh_from_db()
    assert old.stored == "0123abcd.png"
    assert (settings.DATA_DIR / "honours" / "0123abcd.png").read_bytes() == PNG


def test_a_new_upload_goes_to_the_default_storage(tree, settings):
    campaign, award = open_campaign(tree)
    n = nominate(campaign, award, tree.xinge, join(tree.xinge_union, "新材料"))
    from tests.honours.conftest import png

    a = services.attachment_add(actor=SYSTEM, nomination=n, upload=png())
    assert a.stored.startswith("honours/") and a.stored.endswith(".png")
    assert (settings.DATA_DIR / "media" / a.stored).read_bytes() == PNG
    assert not (settings.DATA_DIR / "honours").exists()
