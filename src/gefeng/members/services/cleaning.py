"""Validating a member's fields the same way for the form, the import and the command line."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation

from gefeng.core.validators import clean_text, normalize_mobile, parse_id_number
from gefeng.members import pinyin
from gefeng.members.models import (
    Education,
    JobCategory,
    NewFormGroup,
    Political,
    SkillLevel,
)

_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff·•]{2,20}$")


def is_valid_name(name: str) -> bool:
    """A person's name as the registry takes it: 2–20 Chinese characters (with the middle dot of
    minority and foreign names)."""
    return bool(_NAME.match(name))


MIN_JOIN_AGE = 16  # 劳动法 §15: no employment under 16
EDITABLE = (
    "name",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "job_category",
    "occupation",
    "skill_level",
    "new_form_group",
    "migrant",
    "card_number",
    "team",
)


@dataclass
class Clean:
    """A validated member record, ready to be written."""

    name: str
    id_number: str
    birth_date: dt.date
    sex: str
    fields: dict[str, Any]


@lru_cache(maxsize=4096)
def _choice_code(choices: type[models.TextChoices], language: str | None, text: str) -> str | None:
    """The code `text` stands for (the stored value, the label or the label's start), or None.

    Cached per language: the labels are lazy translations, and resolving them for every cell
    was half the time of a roster import."""
    for code, shown in choices.choices:  # accept the stored value or the label
        if text in (code, str(shown)) or str(shown).startswith(text):
            return code
    return None


@lru_cache(maxsize=8192)
def _clean_cached(value: str) -> str:
    return clean_text(value)


def _clean_short(value: Any) -> str:
    """`clean_text` for the short values that repeat down a roster's column (民族, 工种, choices)."""
    return _clean_cached(value) if type(value) is str else clean_text(value)


def _choice(
    value: Any,
    choices: type[models.TextChoices],
    field: str,
    label: str,
    errors: dict[str, list[str]],
    language: str | None,
) -> str:
    text = _clean_short(value)
    if not text:
        return ""
    code = _choice_code(choices, language, text)
    if code is not None:
        return code
    errors.setdefault(field, []).append(f"{label}“{text}”不在可选范围内。")
    return ""


def _yes(value: Any) -> bool:
    return _clean_short(value) in {"是", "Y", "y", "1", "true", "True", "√"}


def clean_member(data: dict[str, Any], *, today: dt.date | None = None, language: str | None = "") -> Clean:
    """Validate one member record from a form, the API or an import row.

    Raises ValidationError with Chinese messages keyed by field. Nothing is silently fixed
    beyond the normalisation every roster needs (full-width characters, spaces, a lower-case x).
    `language` is the active language when the caller already knows it (an import reads it once:
    looking it up costs as much as the rest of a row's choices).
    """
    today = today or dt.date.today()
    if language == "":
        language = translation.get_language()
    errors: dict[str, list[str]] = {}
    name = clean_text(data.get("name"))
    if not name:
        errors.setdefault("name", []).append("姓名为空。")
    elif not _NAME.match(name):
        errors.setdefault("name", []).append(f"姓名“{name}”应为 2–20 个汉字。")
    info = None
    try:
        info = parse_id_number(data.get("id_number"), today=today)
    except ValidationError as exc:
        errors.setdefault("id_number", []).extend(exc.messages)
    phone = clean_text(data.get("phone"))
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            errors.setdefault("phone", []).extend(exc.messages)
    joined = data.get("joined_on")
    if not isinstance(joined, dt.date):
        errors.setdefault("joined_on", []).append("入会日期为空或无法识别。")
    elif joined > today:
        errors.setdefault("joined_on", []).append("入会日期不能晚于今天。")
    elif info is not None:
        sixteen = (
            info.birth_date.replace(year=info.birth_date.year + MIN_JOIN_AGE)
            if not (info.birth_date.month == 2 and info.birth_date.day == 29)
            else dt.date(info.birth_date.year + MIN_JOIN_AGE, 3, 1)
        )
        if joined < sixteen:
            errors.setdefault("joined_on", []).append("入会时未满 16 周岁，请核对入会日期或身份证号。")
    fields: dict[str, Any] = {
        "ethnicity": _clean_short(data.get("ethnicity"))[:20],
        "political_status": _choice(
            data.get("political_status"), Political, "political_status", "政治面貌", errors, language
        ),
        "education": _choice(data.get("education"), Education, "education", "文化程度", errors, language),
        "phone": phone,
        "job_category": _choice(data.get("job_category"), JobCategory, "job_category", "岗位类别", errors, language),
        "occupation": _clean_short(data.get("occupation"))[:50],
        "skill_level": _choice(data.get("skill_level"), SkillLevel, "skill_level", "技能等级", errors, language),
        "new_form_group": _choice(
            data.get("new_form_group"), NewFormGroup, "new_form_group", "新就业形态群体", errors, language
        ),
        "migrant": data.get("migrant") if isinstance(data.get("migrant"), bool) else _yes(data.get("migrant")),
        "card_number": clean_text(data.get("card_number"))[:30],
        "joined_on": joined,
    }
    if "sex" in data and info is not None:
        given = _clean_short(data.get("sex"))
        if given and given not in (info.sex, {"男": "M", "女": "F"}[info.sex]):
            errors.setdefault("sex", []).append(f"性别“{given}”与身份证号不符（应为{info.sex}）。")
    if errors:
        raise ValidationError(errors)
    assert info is not None
    return Clean(name=name, id_number=info.number, birth_date=info.birth_date, sex=info.sex, fields=fields)


@lru_cache(maxsize=200_000)
def search_columns(name: str) -> dict[str, str]:
    """The search columns of a name (names repeat a lot, so conversions are cached)."""
    full, initials = pinyin.keys(name)
    return {
        "name_tail1": name[1:],
        "name_tail2": name[2:],
        "pinyin": full.replace("v", "u")[:120],
        "initials": initials[:30],
    }
