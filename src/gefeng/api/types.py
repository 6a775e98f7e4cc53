"""Bounded input types of the REST API, so that the OpenAPI document states every limit the
platform enforces and nothing out of range reaches the database (an id past 2³¹−1 overflows a
PostgreSQL integer; a NUL character is refused by PostgreSQL text; a lone UTF-16 surrogate
cannot be encoded at all)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StringConstraints, WithJsonSchema

from gefeng.core.pagination import MAX_PAGE_NUMBER
from gefeng.members.models import Education, JobCategory, NewFormGroup, Political, SkillLevel, Status
from gefeng.orgs.models import Industry, Kind, Ownership

MAX_ID = 2**31 - 1  # PostgreSQL integer, the type of every primary key here
MAX_COUNT = 2**31 - 1  # PositiveIntegerField
NO_NUL = r"^[^\x00]*$"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_surrogates(value: str) -> str:
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("含有无法编码的字符。")
    return value


def _iso_date(value: Any) -> Any:
    # Pydantic would read a number as a Unix time; the document promises "YYYY-MM-DD" text.
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("应为日期（YYYY-MM-DD）。")
    return value


def _whole_number(value: Any) -> Any:
    # JSON Schema's "integer" is any number without a fraction (100.0 included); text, booleans
    # and fractions are refused rather than converted.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("应为整数。")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("应为整数。")
        return int(value)
    return value


def not_null(schema: dict[str, Any]) -> None:
    """Drop the null alternative and the null default from a field's schema: for a query
    parameter that may be left out (it cannot be sent as null)."""
    options = schema.pop("anyOf", None)
    if options:
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    if schema.get("default", 0) is None:
        del schema["default"]


def absent(**kwargs: Any) -> Any:
    """A body field that may be left out (then it stays as it is) but, unless its type says so,
    not sent as null."""
    return Field(default=None, json_schema_extra=_drop_null_default, **kwargs)


def _drop_null_default(schema: dict[str, Any]) -> None:
    if schema.get("default", 0) is None:
        del schema["default"]


def _one_of(values: list[str]) -> Any:
    allowed = frozenset(values)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError("不是可选的值之一。")
        return value

    return AfterValidator(check)


def choice(values: list[str]) -> Any:
    """One of `values` or "" (none, or clear it)."""
    allowed = ["", *values]
    return Annotated[str, Strict(), _one_of(allowed), WithJsonSchema({"type": "string", "enum": allowed})]


_SAFE = AfterValidator(_no_surrogates)
_VISIBLE = r"^[^\x00]*[^\x00\s][^\x00]*$"  # at least one character that is not a space

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE_NUMBER)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT), BeforeValidator(_whole_number)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
NameText = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=100, pattern=_VISIBLE), _SAFE]
ShortText = Annotated[str, Strict(), StringConstraints(max_length=50, pattern=NO_NUL), _SAFE]
CodeText = Annotated[str, Strict(), StringConstraints(max_length=18, pattern=NO_NUL), _SAFE]
AddressText = Annotated[str, Strict(), StringConstraints(max_length=200, pattern=NO_NUL), _SAFE]
SearchText = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL), _SAFE]
KindChoice = choice(list(Kind.values))
IndustryChoice = choice(list(Industry.values))
OwnershipChoice = choice(list(Ownership.values))
CursorText = Annotated[str, StringConstraints(max_length=500, pattern=r"^[A-Za-z0-9_:\-]*$")]
MemberNameText = Annotated[str, Strict(), StringConstraints(max_length=50, pattern=NO_NUL), _SAFE]
IdNumberText = Annotated[str, Strict(), StringConstraints(max_length=30, pattern=NO_NUL), _SAFE]
PhoneText = Annotated[str, Strict(), StringConstraints(max_length=20, pattern=NO_NUL), _SAFE]
Text20 = Annotated[str, Strict(), StringConstraints(max_length=20, pattern=NO_NUL), _SAFE]
Text30 = Annotated[str, Strict(), StringConstraints(max_length=30, pattern=NO_NUL), _SAFE]
Text50 = Annotated[str, Strict(), StringConstraints(max_length=50, pattern=NO_NUL), _SAFE]
ReasonText = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200, pattern=_VISIBLE), _SAFE]
PoliticalChoice = choice(list(Political.values))
EducationChoice = choice(list(Education.values))
JobChoice = choice(list(JobCategory.values))
SkillChoice = choice(list(SkillLevel.values))
GroupChoice = choice(list(NewFormGroup.values))
StatusChoice = choice(list(Status.values))
