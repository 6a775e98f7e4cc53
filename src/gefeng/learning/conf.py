"""The local numbers of 引领聚魂, each a `GEFENG_LEARNING_*` environment variable (or a Django
setting of the same name without the prefix, which tests override). None of them is statutory:
they are the county's own choices, written down in docs/rules/learning.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from gefeng.env import env_bool, env_int, env_str

_DEFAULTS: dict[str, Any] = {
    # 参学率 below this share (per cent) names a unit as lagging in the round's 通报.
    "LEARNING_LAGGING_RATE": env_int("GEFENG_LEARNING_LAGGING_RATE", 60, minimum=0),
    # How many top and lagging units the 通报 names.
    "LEARNING_CIRCULAR_NAMED": env_int("GEFENG_LEARNING_CIRCULAR_NAMED", 5, minimum=1),
    # The issuing office and the document-number prefix of the study 通报 (县委宣传部's 学习督导).
    "LEARNING_OFFICE_NAME": env_str("GEFENG_LEARNING_OFFICE_NAME") or "中共沛县县委宣传部",
    "LEARNING_DOC_PREFIX": env_str("GEFENG_LEARNING_DOC_PREFIX") or "沛宣通",
    # Seconds after a contest attempt's deadline in which a submitted paper is still accepted
    # (the phone's network); answers later than this are refused.
    "LEARNING_GRACE_SECONDS": env_int("GEFENG_LEARNING_GRACE_SECONDS", 30, minimum=0),
    # Rows of a result sheet or question bank one upload may hold, and the upload's size (MB).
    "LEARNING_IMPORT_MAX_ROWS": env_int("GEFENG_LEARNING_IMPORT_MAX_ROWS", 50_000, minimum=1),
    "LEARNING_UPLOAD_MB": env_int("GEFENG_LEARNING_UPLOAD_MB", 10, minimum=1),
    # Position photos: the size of one photo (MB), how many one upload may carry, how many a
    # position may hold, and the thumbnail's longer side (pixels).
    "LEARNING_PHOTO_MB": env_int("GEFENG_LEARNING_PHOTO_MB", 10, minimum=1),
    "LEARNING_PHOTO_FILES": env_int("GEFENG_LEARNING_PHOTO_FILES", 9, minimum=1),
    "LEARNING_PHOTOS_MAX": env_int("GEFENG_LEARNING_PHOTOS_MAX", 30, minimum=1),
    "LEARNING_THUMB_PX": env_int("GEFENG_LEARNING_THUMB_PX", 320, minimum=64),
    # Whether party data (党组织, 发展党员 stages) is kept at all: a union platform holds it only
    # where the county's party committee asks it to (党建带工建).
    "LEARNING_PARTY_DATA": env_bool("GEFENG_LEARNING_PARTY_DATA", True),
    # The 四有职工之家 checklist (the city federation's criteria), one item per line.
    "LEARNING_HOME_CHECKLIST": env_str("GEFENG_LEARNING_HOME_CHECKLIST") or "有阵地\n有活动\n有制度\n有队伍",
}


def get(name: str) -> Any:
    return getattr(settings, name, _DEFAULTS[name])


def checklist() -> list[str]:
    raw = get("LEARNING_HOME_CHECKLIST")
    items = raw if isinstance(raw, (list, tuple)) else str(raw).splitlines()
    return [str(i).strip() for i in items if str(i).strip()]
