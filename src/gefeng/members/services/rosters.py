"""The roster import's writes: queueing a job, the union's own words, purging old files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gefeng.core import actors, audit, scope
from gefeng.core.actors import accepts_system
from gefeng.members.imports import vocabulary
from gefeng.members.models import (
    ImportJob,
    ImportStatus,
    ValueMapping,
)
from gefeng.orgs.models import OrgNode

# ---------------------------------------------------------------- roster imports

IMPORT_RETENTION_DAYS = 30  # default of settings.IMPORT_RETENTION_DAYS (GEFENG_IMPORT_RETENTION_DAYS)


def imports_dir() -> Path:
    """Where uploaded rosters and their rejected-rows workbooks are kept (never served directly)."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def import_job_create(
    *, actor: Any, union: OrgNode, filename: str, stored: Path, size: int, mode: str, dry_run: bool
) -> ImportJob:
    """Queue an import of an uploaded file into `union` (checked: members.import on it)."""
    from gefeng.members.imports import tasks  # tasks → pipeline → services

    scope.require(actor, union, "members.import")
    with transaction.atomic():
        job = ImportJob.objects.create(
            actor=actor,
            union=union,
            filename=filename[:200],
            stored=str(stored),
            size=size,
            mode=mode,
            dry_run=dry_run,
        )
        audit.record(
            actor=actor,
            action="members.import.queued",
            obj=job,
            changes={"union": union.name, "file": job.filename, "size": size, "mode": mode, "dry_run": dry_run},
        )
        # In the same transaction: the database queue's row commits with the job, so a worker
        # never picks up a job that does not exist yet (the immediate backend of the tests runs it here).
        tasks.run_import.enqueue(job_id=job.pk)
    return job


@accepts_system
def value_mappings_save(*, actor: Any, union: OrgNode, mappings: list[tuple[str, str, str | None]]) -> int:
    """Remember what `union`'s rosters mean by words the registry does not know.

    `mappings` are (column key, the word as in the file, stored value); a value of "" leaves the
    field empty without a warning, None forgets the word. `actor` SYSTEM is the server console.
    Returns how many mappings changed; all or none are written."""
    actors.require(actor, union, "members.import")
    errors: list[str] = []
    wanted: dict[tuple[str, str], str | None] = {}
    for column, raw, value in mappings:
        label = vocabulary.LABELS.get(column, column)
        folded = vocabulary.fold(raw or "")
        if column not in vocabulary.CHOICE_COLUMNS:
            errors.append(f"“{column}”不是可以对照取值的列。")
        elif not folded or len(folded) > vocabulary.MAPPABLE_CHARS:
            errors.append(f"{label}的原值应为 1–{vocabulary.MAPPABLE_CHARS} 个字符。")
        elif value and value not in dict(vocabulary.choices(column)):
            errors.append(f"{label}没有“{value}”这个选项。")
        else:
            wanted[(column, folded)] = value
    if errors:
        raise ValidationError(errors)
    changes: list[dict[str, str | None]] = []
    with transaction.atomic():
        have = {
            (m.column, m.raw_value): m
            for m in ValueMapping.objects.select_for_update().filter(
                org=union, column__in={c for c, _ in wanted}, raw_value__in={r for _, r in wanted}
            )
        }
        for (column, folded), value in wanted.items():
            current = have.get((column, folded))
            if value is None:
                if current is not None:
                    current.delete()
                    changes.append({"column": column, "raw": folded, "from": current.value, "to": None})
            elif current is None:
                ValueMapping.objects.create(
                    org=union, column=column, raw_value=folded, value=value, actor=actors.user_of(actor)
                )
                changes.append({"column": column, "raw": folded, "from": None, "to": value})
            elif current.value != value:
                changes.append({"column": column, "raw": folded, "from": current.value, "to": value})
                current.value, current.actor = value, actors.user_of(actor)
                current.save(update_fields=["value", "actor", "updated_at"])
        if changes:
            audit.record(
                actor=actor,
                action="members.value_mapping.saved",
                obj=union,
                changes={"union": union.name, "mappings": changes},
            )
    return len(changes)


def import_retention_days() -> int:
    try:
        days = int(getattr(settings, "IMPORT_RETENTION_DAYS", IMPORT_RETENTION_DAYS))
    except (TypeError, ValueError):
        days = IMPORT_RETENTION_DAYS
    return max(days, 1)


@accepts_system
def import_files_purge(*, actor: Any, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete uploaded rosters and rejected-rows workbooks older than the retention period.

    Rosters are personal data (PIPL §19: kept no longer than needed). A file goes when it was
    last written more than `days` (GEFENG_IMPORT_RETENTION_DAYS, default 30) ago and no
    unfinished import still needs it; the jobs keep their counts, their 错误行 link disappears.
    `actor` SYSTEM is the system (the import task runs this after each import). Returns the number
    of files deleted."""
    actors.require_perm(actor, "members.import")
    days = import_retention_days() if days is None else max(int(days), 1)
    cutoff = (now or timezone.now()).timestamp() - days * 86_400
    folder = imports_dir()
    busy = set(
        ImportJob.objects.exclude(status__in=(ImportStatus.DONE, ImportStatus.FAILED)).values_list("stored", flat=True)
    )
    busy |= {f"{stored}.rejects.xlsx" for stored in busy}
    deleted: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False) or entry.path in busy:
                continue
            try:
                if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                    continue
                os.unlink(entry.path)
            except FileNotFoundError:
                continue
            deleted.append(entry.path)
    if deleted:
        with transaction.atomic():
            for start in range(0, len(deleted), 500):
                ImportJob.objects.filter(rejects__in=deleted[start : start + 500]).update(rejects="")
            audit.record(
                actor=actor,
                action="members.import.files_purged",
                object_type="members.importjob",
                object_repr="会员导入文件",
                changes={"files": len(deleted), "days": days},
            )
    return len(deleted)
