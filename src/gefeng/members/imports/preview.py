"""The import preview's parts: the unions a user may import into, the saved upload, the first
rows, the words offered for mapping and the uploads awaiting confirmation in the session."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gefeng.core import pii, scope
from gefeng.core.tabular import Column, Row, Sheet, TabularError, column_letter, parse_date
from gefeng.core.tabular_isolated import open_table_isolated
from gefeng.core.types import AuthedRequest
from gefeng.members import columns, services
from gefeng.members.imports import pipeline
from gefeng.members.imports.forms import (
    max_upload_bytes,
    too_large_message,
)
from gefeng.members.models import (
    ImportStatus,
)
from gefeng.orgs.models import Kind, OrgNode

PERM = "members.import"
PREVIEW_ROWS = 10
UNIONS_SHOWN = 20  # unions listed before searching
SEARCH_LIMIT = 20
PENDING_KEY = "members_import_pending"
PENDING_KEEP = 3  # uploads awaiting confirmation kept per session; older ones are deleted
SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".txt"})
MASKED = {"id_number": pii.mask_id_number, "phone": pii.mask_phone}
DATE_KEYS = columns.DATES  # roster columns that hold a date


def _shown_date(text: str) -> str:
    """A date cell as the import will store it: an Excel serial number (43209) as 2018-04-19.
    A cell that is no date is shown as written; the import reports it."""
    if not text:
        return text
    try:
        return parse_date(text).isoformat()
    except ValueError:
        return text


def _shown(key: str, text: str) -> str:
    if key in MASKED:
        return MASKED[key](text)
    if key in DATE_KEYS:
        return _shown_date(text)
    return text


FINISHED = (ImportStatus.DONE, ImportStatus.FAILED)


imports_dir = services.imports_dir


def pk_of(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


# ---------------------------------------------------------------- unions the user may import into


def importable_unions(user: Any) -> QuerySet[OrgNode]:
    unions = OrgNode.objects.filter(kind=Kind.UNION).valid_on(dt.date.today())
    return scope.permitted(user, unions, PERM).order_by("path")


def union_choices(user: Any, term: str, selected: int | None) -> tuple[list[OrgNode], bool]:
    """(unions to offer as radio choices, whether there are more than shown)."""
    qs = importable_unions(user)
    term = term.strip()[:100]
    if term:
        qs = qs.filter(Q(name__contains=term) | Q(short_name__contains=term) | Q(code=term.upper()))
    shown = list(qs[: (SEARCH_LIMIT if term else UNIONS_SHOWN) + 1])
    more = len(shown) > (SEARCH_LIMIT if term else UNIONS_SHOWN)
    shown = shown[: len(shown) - 1] if more else shown
    if selected and all(u.pk != selected for u in shown):
        chosen = importable_unions(user).filter(pk=selected).first()
        if chosen is not None:
            shown.insert(0, chosen)
    return shown, more


# ---------------------------------------------------------------- saving the upload


def save_upload(upload: UploadedFile) -> tuple[Path, int]:
    """Write the upload under DATA_DIR/imports with a random name, readable by the owner only.

    Counts while writing and gives up above the limit (the declared size can lie); a refused or
    failed write leaves nothing behind. Raises TabularError with a Chinese message."""
    suffix = Path(upload.name or "").suffix.lower()
    path = imports_dir() / f"{uuid.uuid4().hex}{suffix if suffix in SUFFIXES else ''}"
    limit = max_upload_bytes()
    size = 0
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise TabularError(too_large_message(size))
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


# Read on the preview only, to see whose roster it is; never imported.
FILING_UNIT = Column("filing_unit", "填报单位", ("单位名称", "填报单位名称"))
_UNIT_NOISE = re.compile(r"^填报单位[:：]?|[（(]盖章[)）]|工会委员会$|委员会$|工会$|[\s:：,，.。、·]")


def preview(path: Path, filename: str) -> tuple[Sheet, list[Row]]:
    sheet, rows = open_table_isolated(
        path,
        [*pipeline.COLUMNS, FILING_UNIT],
        max_bytes=max_upload_bytes(),
        filename=filename,
        compact=pipeline.COMPACT,
    )
    return sheet, list(itertools.islice(rows, PREVIEW_ROWS))


def _unit_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "")
    previous = None
    while previous != folded:  # “XX公司工会委员会（盖章）” → “XX公司”
        previous, folded = folded, _UNIT_NOISE.sub("", folded)
    return folded


# Above the header: “填报单位：XX公司工会（盖章） 填报日期：…” and a title “XX公司会员花名册”.
_FILED_ABOVE = re.compile(r"填报单位[:：]\s*(\S+)")
_TITLE_ABOVE = re.compile(r"^\s*(\S{2,40}?)(?:工会)?(?:会员)?(?:实名制)?(?:花名册|名册|信息表|登记表|统计表)")


def _named_above(above: list[str]) -> list[str]:
    named: list[str] = []
    for line in above:
        named += _FILED_ABOVE.findall(line)
        title = _TITLE_ABOVE.match(line)
        if title and "填报" not in title.group(1):
            named.append(title.group(1))
    return named


# A place name rosters put before a company's name (“沛县新格…”, “江苏省…”, “徐州市…”).
_PLACE = re.compile(r"^(?:\S{1,3}?(?:省|自治区|市|县|区|镇))+")


def _forms(key: str) -> set[str]:
    core = _PLACE.sub("", key)
    return {key, core} if len(core) >= 4 else {key}


def _same_unit(key: str, ours: set[str]) -> bool:
    return any(a in b or b in a for a in _forms(key) for mine in ours for b in _forms(mine))


def other_unit(rows: list[Row], union: OrgNode, above: list[str] | None = None) -> str:
    """The first organisation named by the roster — a 填报单位 or a title above the header, or a
    填报单位 column of the previewed rows — that is neither the target union nor its enterprise
    ("" if none is): a roster of another company, about to go into this union."""
    ours = {key for key in (_unit_key(union.name), _unit_key(union.parent.name if union.parent else "")) if key}
    ours = {key for key in ours if len(key) >= 2}
    for named in [*_named_above(above or []), *(row.values.get(FILING_UNIT.key, "") for row in rows)]:
        key = _unit_key(named)
        if len(key) < 2:
            continue
        if not _same_unit(key, ours):
            return named
    return ""


MAPPED_SHOWN = 50  # distinct words per column offered for mapping on the preview
EMPTY = "-"  # the mapping choice “leave empty, no warning” (a stored value is never "-")


def survey_words(path: Path, filename: str, union: OrgNode) -> list[list[Any]]:
    """The words of the file's choice columns the registry does not know, and those it knows only
    from this union's earlier mappings: [column key, word, rows, remembered value or None]."""
    vocab = pipeline.Vocabulary.of(union)
    found = pipeline.survey(path, filename, vocab)
    items: list[list[Any]] = []
    for key, counter in found.items():
        for text, count in counter.most_common(MAPPED_SHOWN):
            mapped = vocab.mapped[key].get(pipeline.fold(text))
            items.append([key, text, count, mapped])
    return items


def mapping_context(items: list[list[Any]]) -> dict[str, Any]:
    rows = []
    for index, (key, text, count, mapped) in enumerate(items):
        selected = "" if mapped is None else (mapped or EMPTY)
        rows.append(
            {
                "field": f"map-{index}",
                "column": pipeline.LABELS.get(key, key),
                "text": text,
                "count": count,
                "selected": selected,
                "remembered": mapped is not None,
                "options": [
                    ("", _("（未选择：留空，列入提醒）")),
                    (EMPTY, _("留空（不再提醒）")),
                    *pipeline.choices(key),
                ],
            }
        )
    return {"mappings": rows, "unknown_rows": sum(item[2] for item in items if item[3] is None)}


def chosen_mappings(post: Any, items: list[list[Any]]) -> list[tuple[str, str, str | None]]:
    """What the user chose on the preview for each listed word (None: nothing, forget it)."""
    chosen: list[tuple[str, str, str | None]] = []
    for index, (key, text, _count, mapped) in enumerate(items):
        value = str(post.get(f"map-{index}", ""))
        if value == "":
            if mapped is not None:
                chosen.append((key, text, None))
            continue
        code = "" if value == EMPTY else value
        if code != mapped:
            chosen.append((key, text, code))
    return chosen


def preview_context(sheet: Sheet, rows: list[Row]) -> dict[str, Any]:
    present = [c for c in pipeline.COLUMNS if c.key in sheet.columns]
    recognised = [
        {"label": c.label, "letter": column_letter(sheet.columns[c.key]), "required": c.required} for c in present
    ]
    missing = [c.label for c in pipeline.COLUMNS if c.key not in sheet.columns]
    table = [
        {
            "number": row.number,
            "cells": [_shown(c.key, row.values[c.key]) for c in present],
        }
        for row in rows
    ]
    return {
        "sheet": sheet,
        "recognised": recognised,
        "missing": missing,
        "labels": [c.label for c in present],
        "rows": table,
        "preview_rows": PREVIEW_ROWS,
    }


def _pending(request: AuthedRequest) -> dict[str, dict[str, Any]]:
    value = request.session.get(PENDING_KEY)
    return dict(value) if isinstance(value, dict) else {}


def remember(request: AuthedRequest, token: str, entry: dict[str, Any]) -> None:
    pending = _pending(request)
    pending[token] = entry
    while len(pending) > PENDING_KEEP:  # the oldest abandoned preview goes, file and all
        oldest = next(iter(pending))
        discard(pending.pop(oldest))
    request.session[PENDING_KEY] = pending


def take(request: AuthedRequest, token: str) -> dict[str, Any] | None:
    pending = _pending(request)
    entry = pending.pop(token, None)
    request.session[PENDING_KEY] = pending
    return entry


def discard(entry: dict[str, Any]) -> None:
    stored = Path(str(entry.get("stored", "")))
    if stored.name and stored.parent == imports_dir():
        stored.unlink(missing_ok=True)
