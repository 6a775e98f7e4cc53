"""The registry's columns, defined once beside the model (`members.models.Member`).

- `ROSTER`: the columns of a roster (会员花名册) — key, Chinese header, other headers rosters use,
  whether required. The importer reads files with them, the template and the demo roster write
  their headers, the import command names them.
- `COMPACT` (cells read without spaces), `DATES` (cells parsed as dates, Excel serials
  included), `REQUIRED`, `LABELS` (key → header): the parsing each roster column asks for.
- `ROSTER_FILE`: the order of the columns in the rosters unions send (and the demo writes).
- `STORED`: the registry fields one roster row fills, in the order of the import's stage rows;
  `BULK_ROW` adds the fields the platform sets itself, the row of every bulk writer (the
  benchmarks); `DEMO_ROW` is the demo loaders' row (other apps' demos reuse it).
- `EXPORT`: the headers of the registry export, one per `exporting.export_row` cell.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gefeng.core.tabular import Column
from gefeng.members import idtail

ROSTER = [
    Column("name", "姓名", ("职工姓名", "会员姓名", "员工姓名"), required=True),
    Column(
        "id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码"), required=True
    ),
    Column("sex", "性别"),
    Column("ethnicity", "民族"),
    Column("political_status", "政治面貌"),
    Column("education", "文化程度", ("学历",)),
    Column("phone", "手机号", ("手机号码", "联系电话", "手机", "电话", "联系方式")),
    Column("job_category", "岗位类别", ("人员类别", "岗位性质")),
    Column("occupation", "工种", ("职业", "职业工种")),
    Column("skill_level", "技能等级", ("职业技能等级", "技术等级")),
    Column("new_form_group", "新就业形态群体", ("新就业形态", "八大群体")),
    Column("migrant", "是否农民工", ("农民工",)),
    Column("joined_on", "入会日期", ("入会时间",), required=True),
    Column("card_number", "会员证号", ("会员证编号", "会员卡号", "会员证")),
    Column("team", "班组"),
]
COMPACT = frozenset({"id_number", "phone", "card_number"})
DATES = frozenset({"joined_on"})
REQUIRED = frozenset(c.key for c in ROSTER if c.required)
LABELS = {c.key: c.label for c in ROSTER}

ROSTER_FILE = (
    "name",
    "sex",
    "id_number",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "job_category",
    "occupation",
    "skill_level",
    "new_form_group",
    "migrant",
    "joined_on",
    "card_number",
)

_NAME = ("name", "name_tail1", "name_tail2", "pinyin", "initials")
_ID = ("id_number", "id_hash", *idtail.COLUMNS, "sex", "birth_date")
_PERSON = ("ethnicity", "political_status", "education", "phone", "phone_hash")
_WORK = ("occupation", "skill_level", "new_form_group", "migrant", "joined_on", "card_number")
_STATE = ("status", "ended_on", "created_at", "updated_at")

STORED = (*_NAME, *_ID, *_PERSON, "team_id", "job_category", *_WORK)
BULK_ROW = (*STORED, "union_id", "enterprise_id", "industrial_worker", *_STATE)
DEMO_ROW = (*_NAME, *_ID, *_PERSON, "union_id", "enterprise_id", "job_category", "industrial_worker", *_WORK, *_STATE)

EXPORT = (
    _("姓名"),
    _("身份证号"),
    _("性别"),
    _("年龄"),
    _("手机号"),
    _("单位"),
    _("工会"),
    _("班组"),
    _("民族"),
    _("政治面貌"),
    _("文化程度"),
    _("岗位类别"),
    _("产业工人"),
    _("工种"),
    _("技能等级"),
    _("新就业形态群体"),
    _("农民工"),
    _("入会日期"),
    _("会员证号"),
    _("会籍状态"),
)
EXPORT_BIRTH = 3  # 年龄: a full export has the birth date here (a literal: no settings needed to import)
