"""Which scheduled archives to keep: GEFENG_BACKUP_KEEP such as "7d,4w,12m".

"7d" keeps the newest archive of each of the 7 most recent days that have one, "4w" of each of
the 4 most recent ISO weeks, "12m" of each of the 12 most recent months; an archive kept by any
rule stays, and the newest archive is always kept. Dates come from the file names
(gefeng-YYYYmmdd-HHMMSS.tar.gz), not from the file times, which copies change.
This module has no Django import: settings.py validates the setting with `parse`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

NAME_FORMAT = "gefeng-%Y%m%d-%H%M%S.tar.gz"
_NAME = re.compile(r"^gefeng-(\d{8}-\d{6})\.tar\.gz$")
_RULE = re.compile(r"^(\d{1,4})([dwm])$")
UNITS = {"d": "天", "w": "周", "m": "月"}


def parse(spec: str) -> dict[str, int]:
    """ "7d,4w" → {"d": 7, "w": 4}; an empty spec keeps everything. ValueError with a Chinese message."""
    rules: dict[str, int] = {}
    for part in (p.strip().lower() for p in spec.split(",")):
        if not part:
            continue
        m = _RULE.match(part)
        if not m or int(m.group(1)) < 1:
            raise ValueError(
                f"{part!r} 无效：每项应为“数字+单位”，单位 d（天）、w（周）、m（月），"
                "如 7d,4w,12m（保留最近 7 天每天一份、4 周每周一份、12 个月每月一份）。"
            )
        if m.group(2) in rules:
            raise ValueError(f"单位 {m.group(2)} 写了两次。")
        rules[m.group(2)] = int(m.group(1))
    return rules


def archive_name(when: dt.datetime) -> str:
    return when.strftime(NAME_FORMAT)


def archive_time(path: Path) -> dt.datetime | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
    except ValueError:
        return None


def _bucket(unit: str, when: dt.datetime) -> tuple[int, ...]:
    if unit == "d":
        return (when.year, when.month, when.day)
    if unit == "w":
        iso = when.isocalendar()
        return (iso.year, iso.week)
    return (when.year, when.month)


def to_keep(paths: Iterable[Path], rules: dict[str, int]) -> tuple[list[Path], list[Path]]:
    """(kept, pruned) among the scheduled archives in `paths`; other files are neither."""
    dated = sorted(((t, p) for p in paths if (t := archive_time(p)) is not None), reverse=True)
    if not rules:
        return [p for _, p in dated], []
    keep: set[Path] = {dated[0][1]} if dated else set()
    for unit, count in rules.items():
        buckets: set[tuple[int, ...]] = set()
        for when, path in dated:
            bucket = _bucket(unit, when)
            if bucket in buckets:
                continue
            if len(buckets) == count:
                break
            buckets.add(bucket)
            keep.add(path)
    kept = [p for _, p in dated if p in keep]
    pruned = [p for _, p in dated if p not in keep]
    return kept, pruned


def prune(folder: Path, rules: dict[str, int]) -> list[Path]:
    """Delete the scheduled archives of `folder` no rule keeps; returns those deleted."""
    _, pruned = to_keep(folder.iterdir(), rules)
    for path in pruned:
        path.unlink(missing_ok=True)
    return pruned
