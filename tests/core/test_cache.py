"""GEFENG_CACHE=database: several app servers share one cache through a table that migrate makes."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection

from gefeng.core.apps import _create_cache_table

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gefeng_cache"}}


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_shared_cache_table_and_it_works(settings):
    settings.CACHES = DATABASE_CACHE
    _create_cache_table(sender=None, using="default")
    assert "gefeng_cache" in connection.introspection.table_names()
    cache = caches.create_connection("default")
    cache.set("k", 41, 60)
    assert cache.get("k") == 41
    _create_cache_table(sender=None, using="default")  # again: nothing breaks
    assert cache.get("k") == 41


def test_the_default_is_one_process_memory(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
