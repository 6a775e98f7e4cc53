"""The roster import (实名制会员花名册导入): every rule, on files generated here.

Files are written with xlsxwriter or the csv module in the layouts unions really send (a title
row and a 填报单位 row above the header, instruction sheets, blank rows, a 合计 row, header
variants, full-width characters, dates and phones in every form) and go through the same path
as a page or the command line: an `ImportJob` run by `tasks.execute`.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.db import DatabaseError, connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Count
from django.test import override_settings
from python_calamine import CalamineWorkbook

from gefeng.core import pii
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.core.people import Person, PersonFactory
from gefeng.core.tabular import TabularError
from gefeng.members import services
from gefeng.members.imports import pipeline, staging, tasks
from gefeng.members.models import (
    EventKind,
    ImportJob,
    ImportMode,
    ImportRow,
    ImportStatus,
    Member,
    MembershipEvent,
    Status,
)
from tests.members.conftest import make_id

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号",
    "民族",
    "政治面貌",
    "文化程度",
    "手机号",
    "岗位类别",
    "工种",
    "技能等级",
    "新就业形态群体",
    "是否农民工",
    "入会日期",
    "会员证号",
]
NAME, SEX, ID, PHONE, JOINED, CARD = 1, 2, 3, 7, 13, 14
TITLE = ["沛县新格灌溉设备有限公司工会会员花名册"]
FILED = ["填报单位：徐州新格灌溉设备有限公司工会（盖章）", *[""] * 10, "填报日期：2021年1月8日"]
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Formula:
    """A cell written as an Excel formula."""

    text: str


@dataclass(frozen=True)
class Serial:
    """A date written as a bare Excel serial number (no date format)."""

    day: dt.date


def people(n: int, seed: int = 7) -> list[Person]:
    return list(PersonFactory(seed).people(n))


def person_row(no: int, p: Person) -> list[Any]:
    return [
        no,
        p.name,
        p.sex,
        p.id_number,
        p.ethnicity,
        p.political_status,
        p.education,
        p.mobile,
        p.job_category,
        p.occupation,
        p.skill_level,
        p.new_form_group,
        "是" if p.migrant else "否",
        p.joined_on.isoformat(),
        p.card_number,
    ]


def rows_of(persons: Iterable[Person]) -> list[list[Any]]:
    return [person_row(i, p) for i, p in enumerate(persons, start=1)]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any] | None],
    *,
    header: Sequence[str] = HEADERS,
    head: Sequence[Sequence[Any]] = (TITLE, FILED),
    before: Sequence[str] = (),
    after: Sequence[str] = (),
) -> Path:
    """A workbook: instruction sheets `before`, the roster (title rows, header, rows), `after`.

    A row of None is left blank; a str cell is text, int/float a number, a date a formatted date,
    `Serial` a bare serial number, `Formula` a formula."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

    def notes(name: str) -> None:
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, "填表说明")
        ws.write_string(1, 0, "1. 身份证号填写18位居民身份证号码，末位X请大写。")
        ws.write_string(2, 0, "2. 入会日期格式：2019-05-01。")

    for name in before:
        notes(name)
    ws = wb.add_worksheet("会员花名册")
    all_rows = [*head, header, *rows]
    for r, cells in enumerate(all_rows):
        if cells is None:
            continue
        for c, value in enumerate(cells):
            if value is None or value == "":
                continue
            if isinstance(value, Formula):
                ws.write_formula(r, c, value.text)
            elif isinstance(value, Serial):
                ws.write_number(r, c, (value.day - EXCEL_EPOCH).days)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    for name in after:
        notes(name)
    wb.close()
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any] | None],
    *,
    encoding: str = "utf-8-sig",
    header: Sequence[str] = HEADERS,
    head: Sequence[Sequence[Any]] = (TITLE, FILED),
) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerows(head)
        w.writerow(header)
        for row in rows:
            w.writerow([] if row is None else ["" if v is None else v for v in row])
    return path


def start_job(path: Path, union, *, mode: str = ImportMode.INSERT, dry_run: bool = False, actor=None) -> ImportJob:
    return ImportJob.objects.create(
        actor=actor,
        union=union,
        filename=path.name,
        stored=str(path),
        size=path.stat().st_size,
        mode=mode,
        dry_run=dry_run,
    )


def run(path: Path, union, **kw: Any) -> ImportJob:
    """Run one import to its end the way the queue does; the job with its result."""
    job = tasks.execute(start_job(path, union, **kw).pk)
    assert job.status == ImportStatus.DONE, job.error
    return job


def counts(job: ImportJob) -> dict[str, int]:
    return {k: job.result[k] for k in ("rows", "imported", "updated", "unchanged", "rejected")}


def rejects(job: ImportJob) -> list[dict[str, str]]:
    """The rejects report as dicts keyed by its header (行号 … 错误原因)."""
    if not job.rejects:
        return []
    book = CalamineWorkbook.from_path(job.rejects)
    assert book.sheet_names[0] == "错误行" and book.sheet_names[1:] in ([], ["提醒"])
    rows = book.get_sheet_by_index(0).to_python()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, [str(v) for v in row], strict=False)) for row in rows[1:]]


def warnings(job: ImportJob) -> list[tuple[str, ...]]:
    """The report's 提醒 sheet: (行号, 姓名, 列, 原值, 说明) of each value left out."""
    if not job.rejects:
        return []
    book = CalamineWorkbook.from_path(job.rejects)
    if "提醒" not in book.sheet_names:
        return []
    rows = book.get_sheet_by_name("提醒").to_python()
    assert [str(h) for h in rows[0]] == ["行号", "姓名", "列", "原值", "说明"]
    return [tuple(str(v) for v in row) for row in rows[1:]]


def staged_rows() -> int:
    """Rows waiting in the import stage, of any job."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(pipeline.stage_table())}")  # noqa: S608
        return int(cur.fetchone()[0])


def member(id_number: str) -> Member:
    return Member.objects.get(id_hash=pii.blind_index(id_number))


@pytest.fixture
def union(tree):
    return tree.xinge_union


# ---------------------------------------------------------------- layouts


def test_title_rows_above_the_header_and_a_clean_import(tmp_path, union, tree):
    persons = people(20)
    job = run(write_xlsx(tmp_path / "roster.xlsx", rows_of(persons)), union)
    assert counts(job) == {"rows": 20, "imported": 20, "updated": 0, "unchanged": 0, "rejected": 0}
    assert job.result["reasons"] == {}
    assert job.result["sheet"] == "会员花名册" and job.result["header_row"] == 3
    assert job.rejects == "" and job.rows_read == 20
    assert Member.objects.filter(union=union).count() == 20
    p = persons[0]
    m = member(p.id_number)
    assert (m.name, m.sex, m.birth_date, m.joined_on) == (p.name, p.sex, p.birth_date, p.joined_on)
    assert (m.phone, m.card_number, m.enterprise, m.status) == (p.mobile, p.card_number, tree.xinge, Status.ACTIVE)
    assert m.industrial_worker  # 制造业 (C) enterprise
    assert m.pinyin and m.initials and m.phone_hash == pii.blind_index(p.mobile)
    events = MembershipEvent.objects.filter(union=union, kind=EventKind.JOIN)
    assert events.count() == 20
    assert events.get(member=m).on == p.joined_on
    entry = AuditEntry.objects.get(action="members.import.applied")
    assert entry.source == "cli" and entry.changes["imported"] == 20
    assert not staged_rows()


@pytest.mark.parametrize(
    ("name_h", "id_h", "phone_h", "joined_h"),
    [
        ("姓名", "身份证号", "手机号", "入会日期"),
        ("姓 名", "身份证号码", "联系电话", "入会时间"),
        ("职工姓名", "公民身份号码", "手机号", "入会时间"),
        ("*姓名", "证件号码", "联系电话", "入会日期(必填)"),
    ],
)
def test_header_variants(tmp_path, union, name_h, id_h, phone_h, joined_h):
    header = list(HEADERS)
    header[NAME], header[ID], header[PHONE], header[JOINED] = name_h, id_h, phone_h, joined_h
    persons = people(5, seed=11)
    job = run(write_xlsx(tmp_path / "r.xlsx", rows_of(persons), header=header), union)
    assert counts(job)["imported"] == 5
    m = member(persons[3].id_number)
    assert (m.name, m.phone, m.joined_on) == (persons[3].name, persons[3].mobile, persons[3].joined_on)


def test_instruction_sheets_before_and_after_are_skipped(tmp_path, union):
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(people(4)), before=["填表说明"], after=["说明（二）"])
    job = run(path, union)
    assert job.result["sheet"] == "会员花名册" and counts(job)["imported"] == 4


def test_blank_rows_in_the_middle_and_a_trailing_total_row(tmp_path, union):
    persons = people(6)
    rows: list[list[Any] | None] = rows_of(persons[:3])
    rows += [None, None, ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
    rows += [[i, *r[1:]] for i, r in enumerate(rows_of(persons[3:]), start=4)]
    rows.append(["合计", "共6人"])
    rows.append(["4"])  # 序号 of an empty template row: no known column filled
    bad = person_row(7, people(1, seed=99)[0])
    bad[NAME] = ""
    rows.append(bad)
    job = run(write_xlsx(tmp_path / "r.xlsx", rows), union)
    assert counts(job) == {"rows": 7, "imported": 6, "updated": 0, "unchanged": 0, "rejected": 1}
    # Excel's own row numbers: 3 rows above the data, 6 people, 3 blank, 合计, the numbered row.
    assert [r["行号"] for r in rejects(job)] == [str(3 + 6 + 3 + 2 + 1)]


# ---------------------------------------------------------------- cell normalisation


def test_full_width_digits_and_letters_and_ideographic_spaces(tmp_path, union):
    p, q = people(2, seed=3)
    full = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
    row1 = person_row(1, p)
    row1[ID] = p.id_number.translate(full)
    row1[PHONE] = p.mobile.translate(full)
    row1[JOINED] = p.joined_on.isoformat().translate(full).replace("-", "－")
    row1[NAME] = p.name[0] + "\u3000" + p.name[1:]
    row2 = person_row(2, q)
    row2[NAME] = "\u3000" + q.name + "\u3000"
    row2[ID] = " " + q.id_number[:6] + " " + q.id_number[6:] + " "
    job = run(write_xlsx(tmp_path / "r.xlsx", [row1, row2]), union)
    assert counts(job)["imported"] == 2
    m = member(p.id_number)
    assert (m.name, m.id_number, m.phone, m.joined_on) == (p.name, p.id_number, p.mobile, p.joined_on)
    assert member(q.id_number).name == q.name


def test_lower_case_x_and_fifteen_digit_numbers(tmp_path, union):
    x_id = make_id("19850315", "002")
    while not x_id.endswith("X"):
        x_id = make_id("19850315", f"{int(x_id[14:17]) + 2:03d}")
    old = make_id("19700101", "005")  # 15 digits: no century, no check character
    old15 = old[:6] + old[8:17]
    rows = [
        [1, "张伟", "", x_id.lower(), "", "", "", "13812345678", "", "", "", "", "", "2019-05-01", ""],
        [2, "李强", "", old15, "", "", "", "13812345679", "", "", "", "", "", "2019-05-01", ""],
    ]
    job = run(write_xlsx(tmp_path / "r.xlsx", rows), union)
    assert counts(job)["imported"] == 2
    assert member(x_id).id_number == x_id  # upper-case X
    upgraded = member(old)
    assert upgraded.id_number == old and len(old) == 18
    assert upgraded.birth_date == dt.date(1970, 1, 1) and upgraded.sex == "男"


@pytest.mark.parametrize(
    "cell",
    [
        dt.date(2019, 5, 1),  # a date cell
        Serial(dt.date(2019, 5, 1)),  # a bare serial number (43586)
        "43586",  # the serial number as text
        "2019.05.01",
        "2019/5/1",
        "2019年5月1日",
        "20190501",
        "2019-05-01",
        "2019-5-1 00:00:00",
    ],
)
def test_joined_dates_in_every_form(tmp_path, union, cell):
    row = person_row(1, people(1)[0])
    row[JOINED] = cell
    job = run(write_xlsx(tmp_path / "r.xlsx", [row]), union)
    assert counts(job)["imported"] == 1, rejects(job)
    assert Member.objects.get().joined_on == dt.date(2019, 5, 1)


@pytest.mark.parametrize("cell", [13812345678, 13812345678.0, "138 1234 5678", "138-1234-5678", "+8613812345678"])
def test_phones_stored_as_numbers_or_with_separators(tmp_path, union, cell):
    row = person_row(1, people(1)[0])
    row[PHONE] = cell
    job = run(write_xlsx(tmp_path / "r.xlsx", [row]), union)
    assert counts(job)["imported"] == 1, rejects(job)
    assert Member.objects.get().phone == "13812345678"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_utf8_bom_and_gbk(tmp_path, union, encoding):
    persons = [p for p in people(30, seed=5) if p.name.encode("gbk", "ignore").decode("gbk") == p.name][:10]
    rows: list[list[Any] | None] = rows_of(persons)
    rows[2][NAME] = rows[2][NAME][0] + " " + rows[2][NAME][1:]
    rows.insert(4, None)
    rows.append(["合计", f"共{len(persons)}人"])
    job = run(write_csv(tmp_path / "r.csv", rows, encoding=encoding), union)
    assert counts(job) == {"rows": 10, "imported": 10, "updated": 0, "unchanged": 0, "rejected": 0}
    for p in persons:
        m = member(p.id_number)
        assert (m.name, m.phone, m.joined_on) == (p.name, p.mobile, p.joined_on)


# ---------------------------------------------------------------- rejected rows


def _bad_rows() -> list[tuple[str, dict[int, Any], str]]:
    """(what, cells changed, the reason category in the summary)."""
    good = make_id("19900101", "011")
    return [
        ("no name", {NAME: ""}, "姓名为空。"),
        ("latin name", {NAME: "Zhang San"}, "姓名应为 2–20 个汉字。"),
        ("formula name", {NAME: "=1+1"}, "姓名应为 2–20 个汉字。"),
        ("no id", {ID: ""}, "身份证号为空。"),
        ("check digit", {ID: good[:17] + ("0" if good[17] != "0" else "1")}, "身份证号校验位错误，请核对。"),
        ("birth date", {ID: make_id("19901332", "011")}, "身份证号中的出生日期不存在。"),
        (
            "id as number",
            {ID: float(good[:17] + "0")},
            "身份证号被 Excel 存成了数字，末尾几位已丢失，请把该列设为文本后重新填写。",
        ),
        ("short id", {ID: good[:16]}, "身份证号应为 18 位，实际 16 位。"),
        ("no join date", {JOINED: ""}, "入会日期为空或无法识别。"),
        ("bad join date", {JOINED: "去年五月"}, "入会日期：无法识别的日期，请写成 2019-05-01 这样的格式。"),
        ("impossible date", {JOINED: "2019-02-30"}, "入会日期：日期不存在：2019 年 2 月 30 日。"),
        ("future join", {JOINED: "2099-01-01"}, "入会日期不能晚于今天。"),
        ("too young", {JOINED: "2000-01-01"}, "入会时未满 16 周岁，请核对入会日期或身份证号。"),
    ]


def _warned_rows() -> list[tuple[str, dict[int, Any], str]]:
    """(what, an optional cell changed, the warning's category): the row is imported without it."""
    return [
        ("phone short", {PHONE: "1381234567"}, "手机号应为以 1 开头的 11 位数字。该项未导入。"),
        ("landline", {PHONE: "0516-87654321"}, "手机号应为以 1 开头的 11 位数字。该项未导入。"),
        ("sex", {SEX: "女"}, "性别与身份证号不符（应为男）。以身份证号为准。"),
        ("choice", {5: "党员啊"}, "政治面貌不在可选范围内，该项未导入。"),
    ]


@pytest.mark.parametrize(("what", "change", "reason"), _bad_rows(), ids=[b[0] for b in _bad_rows()])
def test_a_bad_row_is_rejected_with_its_reason_and_the_rest_imported(tmp_path, union, what, change, reason):
    good = person_row(1, people(1, seed=21)[0])
    bad = [2, "王五", "男", make_id("19900101", "011"), "汉族", "群众", "高中", "13900000011"]
    bad += ["一线工人", "焊工", "", "", "否", "2015-03-01", ""]
    for col, value in change.items():
        bad[col] = value
    job = run(write_xlsx(tmp_path / "r.xlsx", [good, bad]), union)
    assert counts(job) == {"rows": 2, "imported": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert job.result["reasons"] == {reason: 1}
    (row,) = rejects(job)
    assert row["行号"] == "5" and row["错误原因"]
    assert Member.objects.count() == 1  # not imported with the field dropped or guessed
    assert not Member.objects.filter(name="王五").exists()


@pytest.mark.parametrize(("what", "change", "reason"), _warned_rows(), ids=[b[0] for b in _warned_rows()])
def test_a_wrong_optional_value_is_a_warning_and_the_row_imported(tmp_path, union, what, change, reason):
    bad = [1, "王五", "男", make_id("19900101", "011"), "汉族", "群众", "高中", "13900000011"]
    bad += ["一线工人", "焊工", "", "", "否", "2015-03-01", ""]
    for col, value in change.items():
        bad[col] = value
    job = run(write_xlsx(tmp_path / "r.xlsx", [bad]), union)
    assert counts(job) == {"rows": 1, "imported": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert job.result["warnings"] == 1 and job.result["warning_reasons"] == {reason: 1}
    got = Member.objects.get(name="王五")
    assert got.sex == "男" and got.phone == ("" if PHONE in change else "13900000011")
    assert got.political_status == ("" if 5 in change else "群众")
    assert rejects(job) == []
    ((row, name, column, value, message),) = warnings(job)
    assert (row, name, value) == ("4", "王五", str(next(iter(change.values()))))
    assert column == HEADERS[next(iter(change))] and message


def test_a_formula_in_the_name_cell_is_refused_and_neutralised_in_the_report(tmp_path, union):
    rows = [person_row(1, p) for p in people(2, seed=4)]
    rows[0][NAME] = Formula("=1+1")  # Excel stores the formula and its last result (2)
    rows[1][NAME] = '=HYPERLINK("http://x")'
    job = run(write_xlsx(tmp_path / "r.xlsx", rows), union)
    assert counts(job)["rejected"] == 2 and Member.objects.count() == 0
    assert set(job.result["reasons"]) == {"姓名应为 2–20 个汉字。"}
    report = rejects(job)
    assert report[1]["姓名"] == '\'=HYPERLINK("http://x")'  # safe_cell: never a live formula


def test_an_unknown_team_is_a_warning_and_a_known_one_set(tmp_path, union, tree):
    header = [*HEADERS, "班组"]
    a, b = people(2, seed=8)
    rows = [[*person_row(1, a), "装配一班"], [*person_row(2, b), "喷涂二班"]]
    job = run(write_xlsx(tmp_path / "r.xlsx", rows, header=header), union)
    assert counts(job)["imported"] == 2 and counts(job)["rejected"] == 0
    assert member(a.id_number).team == tree.xinge_team
    assert member(b.id_number).team is None
    assert job.result["warning_reasons"] == {"班组不在该工会下，请先在组织架构中建立；该项未导入。": 1}


def test_second_and_later_copies_of_an_id_number_are_rejected(tmp_path, union):
    a, b = people(2, seed=12)
    first = person_row(1, a)
    again = person_row(2, a)
    again[NAME] = "王大锤"
    third = person_row(3, b)
    fourth = person_row(4, a)
    fourth[ID] = a.id_number[:6] + a.id_number[8:17] if a.birth_date.year < 2000 else a.id_number.lower()
    job = run(write_xlsx(tmp_path / "r.xlsx", [first, again, third, fourth]), union)
    assert counts(job) == {"rows": 4, "imported": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    assert job.result["reasons"] == {"文件内身份证号重复": 2}
    assert [(r["行号"], r["错误原因"]) for r in rejects(job)] == [
        ("5", "与第 4 行的身份证号重复（同一人只能登记一次）。"),
        ("7", "与第 4 行的身份证号重复（同一人只能登记一次）。"),
    ]
    assert member(a.id_number).name == a.name  # the first copy wins


def test_duplicate_card_numbers_in_the_file_and_in_the_registry(tmp_path, union, tree, person):
    services.member_join(actor=SYSTEM, union=tree.henghui_union, data=person(card_number="3203229999"))
    a, b, c = people(3, seed=13)
    rows = rows_of([a, b, c])
    rows[1][CARD] = rows[0][CARD]
    rows[2][CARD] = "3203229999"
    job = run(write_xlsx(tmp_path / "r.xlsx", rows), union)
    assert counts(job)["imported"] == 3 and counts(job)["rejected"] == 0
    assert member(a.id_number).card_number == a.card_number  # the first row keeps it
    assert member(b.id_number).card_number == "" and member(c.id_number).card_number == ""
    assert job.result["warning_reasons"] == {
        "会员证号与其他行重复，该项未导入。": 1,
        "会员证号已被会员库中的其他人使用，该项未导入。": 1,
    }


# ---------------------------------------------------------------- the registry: insert and upsert


@pytest.fixture
def registered(tree, union, person, personas):
    """One member of this union, one of another union, one who left."""
    here = services.member_join(
        actor=SYSTEM, union=union, data=person(name="赵敏", id_number=make_id("19900101", "021"))
    )
    there = services.member_join(
        actor=SYSTEM, union=tree.henghui_union, data=person(name="钱多", id_number=make_id("19900101", "031"))
    )
    gone = services.member_join(
        actor=SYSTEM, union=union, data=person(name="孙悟", id_number=make_id("19900101", "041"))
    )
    services.member_leave(actor=personas["county"], member=gone, on=dt.date(2021, 1, 1), reason="本人申请")
    return {"here": here, "there": there, "gone": gone}


def _registry_rows(registered) -> list[list[Any]]:
    rows = []
    for i, m in enumerate(registered.values(), start=1):
        rows.append([i, m.name, m.sex, m.id_number, "", "中共党员", "本科", "13700000000", "技术人员", "电工"])
        rows[-1] += ["", "", "否", "2020-05-01", ""]
    return rows


def test_insert_mode_rejects_numbers_already_in_the_registry(tmp_path, union, registered):
    before = MembershipEvent.objects.count()
    job = run(write_xlsx(tmp_path / "r.xlsx", _registry_rows(registered)), union)
    assert counts(job) == {"rows": 3, "imported": 0, "updated": 0, "unchanged": 0, "rejected": 3}
    assert job.result["reasons"] == {"身份证号已在会员库中": 3}
    reasons = [r["错误原因"] for r in rejects(job)]
    assert "一次入会、动态接转" in reasons[0]
    # A member of another enterprise: the report names no organisation (the import is no oracle).
    assert "恒辉编织" not in reasons[1] and "杨屯" not in reasons[1] and "其他单位登记为会员" in reasons[1]
    assert "新增并更新" in reasons[2]
    assert MembershipEvent.objects.count() == before
    assert member(registered["here"].id_number).phone == registered["here"].phone


def test_new_members_get_one_join_each_in_a_registry_that_already_has_people(tmp_path, union, registered):
    """The history of the rows an import adds is read off the ids it created: none of it may land
    on the people already in the registry, each new member gets exactly one 入会 on their date."""
    before = dict(Member.objects.values_list("pk").annotate(n=Count("events")))
    persons = people(6, seed=45)
    job = run(write_xlsx(tmp_path / "r.xlsx", rows_of(persons)), union)
    assert counts(job)["imported"] == 6
    assert dict(Member.objects.filter(pk__in=before).values_list("pk").annotate(n=Count("events"))) == before
    for p in persons:
        events = list(member(p.id_number).events.all())
        assert [(e.kind, e.on, e.union_id) for e in events] == [(EventKind.JOIN, p.joined_on, union.pk)]


def test_upsert_mode_updates_this_unions_members_and_rejoins_leavers(tmp_path, union, registered):
    job = run(write_xlsx(tmp_path / "r.xlsx", _registry_rows(registered)), union, mode=ImportMode.UPSERT)
    assert counts(job) == {"rows": 3, "imported": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    assert job.result["reasons"] == {"已是其他工会的会员（请办理转会）": 1}
    here = member(registered["here"].id_number)
    assert (here.phone, here.political_status, here.occupation) == ("13700000000", "中共党员", "电工")
    assert here.phone_hash == pii.blind_index("13700000000") and here.union == union
    assert here.events.filter(kind=EventKind.UPDATE).count() == 1
    gone = member(registered["gone"].id_number)
    assert (gone.status, gone.ended_on, gone.joined_on) == (Status.ACTIVE, None, dt.date(2020, 5, 1))
    assert gone.events.filter(kind=EventKind.JOIN).count() == 2
    there = member(registered["there"].id_number)
    assert there.union != union and there.phone == registered["there"].phone


def test_the_same_file_again_in_upsert_mode_changes_nothing(tmp_path, union, registered):
    path = write_xlsx(tmp_path / "r.xlsx", [*_registry_rows(registered), *rows_of(people(5, seed=30))])
    first = run(path, union, mode=ImportMode.UPSERT)
    assert counts(first) == {"rows": 8, "imported": 6, "updated": 1, "unchanged": 0, "rejected": 1}
    snapshot = list(Member.objects.order_by("pk").values())
    events = MembershipEvent.objects.count()
    audits = set(AuditEntry.objects.values_list("pk", flat=True))
    second = run(path, union, mode=ImportMode.UPSERT)
    assert counts(second) == {"rows": 8, "imported": 0, "updated": 0, "unchanged": 7, "rejected": 1}
    assert list(Member.objects.order_by("pk").values()) == snapshot  # not even updated_at
    assert MembershipEvent.objects.count() == events
    new = AuditEntry.objects.exclude(pk__in=audits)
    assert not new.exclude(action="members.import.applied").exists()  # no member changed
    for entry in new:  # the run itself is on record, with nothing imported or updated
        assert entry.changes["imported"] == entry.changes["updated"] == 0


def test_upsert_changes_only_the_columns_the_file_has(tmp_path, union, tree, personas, person):
    chair = personas["chair"]
    kept = services.member_join(
        actor=chair,
        union=union,
        team=tree.xinge_team,
        data=person(name="周芷若", id_number=make_id("19900101", "051"), ethnicity="回族", occupation="车工"),
    )
    left = services.member_join(
        actor=chair, union=union, team=tree.xinge_team, data=person(name="吴用", id_number=make_id("19900101", "061"))
    )
    services.member_leave(actor=chair, member=left, on=dt.date(2021, 1, 1), reason="本人申请")
    header = ["姓名", "身份证号", "手机号", "入会日期"]  # no 班组, 民族, 工种 …
    rows = [
        ["周芷若", kept.id_number, "13911112222", "2020-05-01"],
        ["吴用", left.id_number, "13911113333", "2021-06-01"],
    ]
    path = write_xlsx(tmp_path / "r.xlsx", rows, header=header)
    job = run(path, union, mode=ImportMode.UPSERT)
    assert counts(job) == {"rows": 2, "imported": 1, "updated": 1, "unchanged": 0, "rejected": 0}
    kept = member(kept.id_number)
    assert kept.phone == "13911112222"
    assert (kept.team, kept.ethnicity, kept.occupation) == (tree.xinge_team, "回族", "车工")
    rejoined = member(left.id_number)  # a new membership: the file's values throughout
    assert (rejoined.status, rejoined.team, rejoined.job_category, rejoined.joined_on) == (
        Status.ACTIVE,
        None,
        "",
        dt.date(2021, 6, 1),
    )
    again = run(path, union, mode=ImportMode.UPSERT)
    assert counts(again)["unchanged"] == 2
    # A 班组 column with an empty cell does say “no team”.
    path = write_xlsx(tmp_path / "t.xlsx", [[*rows[0], ""]], header=[*header, "班组"])
    assert counts(run(path, union, mode=ImportMode.UPSERT))["updated"] == 1
    assert member(kept.id_number).team is None


def test_dry_run_writes_nothing(tmp_path, union, registered):
    path = write_xlsx(tmp_path / "r.xlsx", [*_registry_rows(registered), *rows_of(people(3, seed=31))])
    members = Member.objects.count()
    events = MembershipEvent.objects.count()
    job = run(path, union, mode=ImportMode.UPSERT, dry_run=True)
    assert counts(job) == {"rows": 6, "imported": 4, "updated": 1, "unchanged": 0, "rejected": 1}
    assert Member.objects.count() == members and MembershipEvent.objects.count() == events
    assert not AuditEntry.objects.filter(action="members.import.applied").exists()
    assert not staged_rows()


# ---------------------------------------------------------------- all or nothing


class _FailAfter:
    """Make the first SQL statement containing `marker` raise (a database failure mid-apply)."""

    def __init__(self, monkeypatch, marker: str) -> None:
        self.marker = marker
        self.hit = False
        original = CursorWrapper.execute

        def execute(cursor, sql, params=None):
            if self.marker in sql and not self.hit:
                self.hit = True
                raise DatabaseError("simulated failure")
            return original(cursor, sql, params)

        monkeypatch.setattr(CursorWrapper, "execute", execute)


@pytest.mark.parametrize(
    "marker",
    [
        "AS m SET",  # the UPDATE after the INSERT
        'INSERT INTO "members_membershipevent"',  # the history, after INSERT and UPDATE
        "DELETE FROM {stage}",  # the stage cleared, everything else done
    ],
)
def test_a_failure_in_apply_leaves_nothing(tmp_path, union, registered, monkeypatch, marker):
    path = write_xlsx(tmp_path / "r.xlsx", [*_registry_rows(registered), *rows_of(people(4, seed=40))])
    members = list(Member.objects.order_by("pk").values())
    events = MembershipEvent.objects.count()
    failing = _FailAfter(monkeypatch, marker.format(stage=connection.ops.quote_name(pipeline.stage_table())))
    job = tasks.execute(start_job(path, union, mode=ImportMode.UPSERT).pk)
    assert failing.hit
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("写入数据库时出错，本次导入没有写入任何数据")
    assert list(Member.objects.order_by("pk").values()) == members
    assert MembershipEvent.objects.count() == events
    assert not staged_rows()
    assert not AuditEntry.objects.filter(action="members.import.applied").exists()


def test_a_failure_in_the_audit_entry_leaves_nothing(tmp_path, union, monkeypatch):
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(people(4, seed=41)))

    def broken(**kwargs):
        raise DatabaseError("audit table unavailable")

    monkeypatch.setattr(pipeline.audit, "record", broken)
    job = tasks.execute(start_job(path, union).pk)
    assert job.status == ImportStatus.FAILED
    assert not Member.objects.exists() and not MembershipEvent.objects.exists()
    assert not staged_rows()


def test_a_worker_killed_while_staging_leaves_the_registry_untouched(tmp_path, union, monkeypatch):
    monkeypatch.setattr(staging, "CHUNK", 5)
    persons = people(23, seed=42)
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(persons))
    job = start_job(path, union)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)  # as the dead worker left it
    calls = []

    class Killed(BaseException):
        pass

    def progress(rows: int) -> None:
        calls.append(rows)
        if len(calls) == 2:
            raise Killed  # the worker dies between two chunks: no finally of the importer runs

    with pytest.raises(Killed):
        pipeline.stage(job, progress=progress)
    assert calls == [5, 10]
    assert pipeline.staged(job) == 10  # two committed chunks left behind
    if connection.vendor == "sqlite":  # there the stage is the worker connection's own TEMP table
        assert not ImportRow.objects.exists()
    assert not Member.objects.exists() and not MembershipEvent.objects.exists()

    done = tasks.execute(job.pk)  # the queue runs the job again
    assert done.status == ImportStatus.DONE
    assert counts(done) == {"rows": 23, "imported": 23, "updated": 0, "unchanged": 0, "rejected": 0}
    assert Member.objects.count() == 23 and MembershipEvent.objects.count() == 23
    assert not staged_rows()


def test_an_error_raised_in_progress_cleans_the_stage(tmp_path, union, monkeypatch):
    monkeypatch.setattr(staging, "CHUNK", 5)
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(people(12, seed=43)))
    job = start_job(path, union)

    def progress(rows: int) -> None:
        if rows >= 10:
            raise RuntimeError("worker stopping")

    with pytest.raises(RuntimeError):
        pipeline.run(job, progress=progress)
    assert not staged_rows() and not Member.objects.exists()
    result = pipeline.run(job)
    assert (result.rows, result.imported) == (12, 12)


# ---------------------------------------------------------------- file-level refusals


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, union, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    opened = []
    monkeypatch.setattr("gefeng.core.tabular._sniff_format", lambda p: opened.append(p) or "csv")
    with override_settings(UPLOAD_MAX_MB=1):
        job = tasks.execute(start_job(path, union).pk)
    assert job.status == ImportStatus.FAILED
    assert job.error == "文件大小 1 MB，超过上限 1 MB，请拆分后分批导入。"
    assert opened == []  # refused on its size, never opened


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"PK\x03\x04 not really a zip", "无法读取该文件"),
        ("姓名,电话\n张三,138\n".encode(), "未找到表头：缺少必填列"),
    ],
)
def test_broken_files_fail_the_job_with_a_chinese_message(tmp_path, union, content, message):
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    job = tasks.execute(start_job(path, union).pk)
    assert job.status == ImportStatus.FAILED and message in job.error
    assert not Member.objects.exists()


def test_the_job_acts_as_its_user(tmp_path, union, personas, tree):
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(people(2, seed=44)))
    job = tasks.execute(start_job(path, tree.henghui_union, actor=personas["chair"]).pk)
    assert job.status == ImportStatus.FAILED and job.error == "没有导入到该工会的权限。"
    assert not Member.objects.exists()
    job = tasks.execute(start_job(path, union, actor=personas["chair"]).pk)
    assert job.status == ImportStatus.DONE and job.result["imported"] == 2
    entry = AuditEntry.objects.get(action="members.import.applied")
    assert (entry.actor, entry.source) == (personas["chair"], "job")
    assert set(MembershipEvent.objects.values_list("actor", flat=True)) == {personas["chair"].pk}


def test_a_disabled_user_s_job_fails(tmp_path, union, personas):
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(people(2, seed=45)))
    job = start_job(path, union, actor=personas["chair"])
    personas["chair"].is_active = False
    personas["chair"].save()
    job = tasks.execute(job.pk)
    assert job.status == ImportStatus.FAILED and "停用" in job.error
    assert not Member.objects.exists()


def test_a_finished_job_is_not_run_again(tmp_path, union):
    path = write_xlsx(tmp_path / "r.xlsx", rows_of(people(2, seed=46)))
    job = run(path, union)
    Member.objects.all().delete()
    again = tasks.execute(job.pk)
    assert again.status == ImportStatus.DONE and not Member.objects.exists()


def test_resolve_union_from_an_enterprise_or_refuses(tree):
    assert pipeline.resolve_union(tree.xinge) == tree.xinge_union
    assert pipeline.resolve_union(tree.xinge_union) == tree.xinge_union
    with pytest.raises(Exception, match="请选择一个企业或工会"):
        pipeline.resolve_union(tree.longgu)


def test_an_empty_roster_and_a_vanished_file(tmp_path, union):
    job = run(write_xlsx(tmp_path / "r.xlsx", []), union)
    assert counts(job) == {"rows": 0, "imported": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    path = write_xlsx(tmp_path / "gone.xlsx", [])
    job = start_job(path, union)
    path.unlink()  # removed between upload and run
    job = tasks.execute(job.pk)
    assert job.status == ImportStatus.FAILED and "找不到上传的文件" in job.error


# ---------------------------------------------------------------- the messy roster of make_rosters


@pytest.fixture(scope="module")
def make_rosters():
    spec = importlib.util.spec_from_file_location("make_rosters", ROOT / "bench" / "make_rosters.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MESSY_REASONS = {
    "check_digit": "身份证号校验位错误，请核对。",
    "birth_date": "身份证号中的出生日期不存在。",
    "missing_name": "姓名为空。",
    "duplicate_id": "文件内身份证号重复",
}
# A wrong phone is an optional value: the member is imported without it and the report says so.
MESSY_WARNINGS = {"invalid_phone": "手机号应为以 1 开头的 11 位数字。该项未导入。"}


@pytest.mark.parametrize(
    ("fmt", "encoding", "seed"),
    [("xlsx", None, 320322), ("csv", "gbk", 7), ("csv", "utf-8-sig", 8)],
)
def test_the_messy_roster_gives_the_counts_its_generator_predicts(
    make_rosters, capsys, tmp_path, union, fmt, encoding, seed
):
    out = tmp_path / f"messy.{fmt}"
    args = ["--rows", "1500", "--format", fmt, "--messy", "--out", str(out), "--seed", str(seed), "--bad-share", "0.04"]
    if encoding:
        args += ["--encoding", encoding]
    assert make_rosters.main(args) == 0
    expected = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert expected["blank_rows"] >= 1 and expected["bad_total"] > 0
    job = run(out, union)
    warned = expected["bad"]["invalid_phone"]
    refused = expected["bad_total"] - warned
    assert warned > 0
    assert counts(job) == {
        "rows": expected["rows"],
        "imported": expected["good"] + warned,
        "updated": 0,
        "unchanged": 0,
        "rejected": refused,
    }
    predicted = {MESSY_REASONS[kind]: n for kind, n in expected["bad"].items() if n and kind in MESSY_REASONS}
    assert job.result["reasons"] == predicted
    assert job.result["warning_reasons"] == {MESSY_WARNINGS["invalid_phone"]: warned}
    assert job.result["unknown"] == {}  # the generator writes the registry's own words
    assert Member.objects.filter(union=union).count() == expected["good"] + warned
    report = rejects(job)
    assert len(report) == refused and len(warnings(job)) == warned
    assert all(r["错误原因"] for r in report)
    labels = list(report[0])
    assert labels[0] == "行号" and labels[-1] == "错误原因"
    if fmt == "xlsx":
        assert job.result["sheet"] == "会员花名册"


# ---------------------------------------------------------------- the report


def test_the_rejects_report_lists_the_row_as_uploaded_with_its_reason(tmp_path, union):
    row = person_row(1, people(1, seed=50)[0])
    row[PHONE] = "0516-1234567"
    row[ID] = "32032219900101001x"  # wrong check digit, lower-case
    job = run(write_xlsx(tmp_path / "r.xlsx", [row]), union)
    (got,) = rejects(job)
    labels = ["行号", *[c.label for c in pipeline.COLUMNS], "错误原因"]
    assert list(got) == labels
    assert got["行号"] == "4" and got["姓名"] == row[NAME]
    assert got["身份证号"] == "32032219900101001x" and got["手机号"] == "0516-1234567"
    assert got["错误原因"] == "身份证号校验位错误，请核对。"


def test_stage_raises_tabular_errors_for_the_caller(tmp_path, union):
    path = tmp_path / "r.csv"
    path.write_text("只有一行\n", encoding="utf-8")
    with pytest.raises(TabularError):
        pipeline.run(start_job(path, union))
