"""The registry's console commands: `gefeng import_members` and `gefeng export_members`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from gefeng.core import pii
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.members import exporting, services
from gefeng.members.models import ImportJob, ImportStatus, Member, MembershipEvent, Status
from tests.members.conftest import make_id
from tests.members.test_import import NAME, PHONE, people, rows_of, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

RESULT_KEYS = {
    "rows",
    "imported",
    "updated",
    "unchanged",
    "rejected",
    "reasons",
    "warnings",
    "warning_reasons",
    "unknown",
}
FORMULA = "=SUM(A1:A9)"


def _call(*args: str) -> tuple[list[str], dict]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


# ---------------------------------------------------------------- import_members


@pytest.fixture
def roster(tmp_path):
    """A roster of 6 people: one without a name (refused), one with a landline (imported without it)."""
    persons = people(6, seed=60)
    rows = rows_of(persons)
    rows[1][NAME] = ""
    rows[4][PHONE] = "0516-87654321"
    return write_xlsx(tmp_path / "花名册.xlsx", rows), persons


def test_import_members_imports_and_ends_with_the_json_result(roster, tree):
    path, persons = roster
    lines, result = _call("import_members", str(path), "--org", tree.xinge.code)  # the enterprise's code
    assert set(result) == RESULT_KEYS
    assert result == {
        "rows": 6,
        "imported": 5,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "reasons": {"姓名为空。": 1},
        "warnings": 1,
        "warning_reasons": {"手机号应为以 1 开头的 11 位数字。该项未导入。": 1},
        "unknown": {},
    }
    assert "读取 6 行，新增 5" in lines[0]
    assert Member.objects.filter(union=tree.xinge_union).count() == 5
    assert not Member.objects.filter(id_hash=pii.blind_index(persons[1].id_number)).exists()
    job = ImportJob.objects.get()
    assert (job.status, job.actor, job.filename, job.rows_read) == (ImportStatus.DONE, None, "花名册.xlsx", 6)
    assert job.finished_at is not None
    assert not Path(job.stored).exists()  # the working copy is removed
    entry = AuditEntry.objects.get(action="members.import.applied")
    assert entry.source == "cli" and entry.changes["imported"] == 5


def test_import_members_exits_zero_with_rejected_rows_and_one_on_errors(roster, tree, capsys, monkeypatch):
    from django.db import connections

    from gefeng import cli

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection
    path, _ = roster
    cli.main(["gefeng", "import_members", str(path), "--org", tree.xinge.code])  # no SystemExit: status 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (result["imported"], result["rejected"]) == (5, 1)
    with pytest.raises(SystemExit) as exc:
        cli.main(["gefeng", "import_members", str(path), "--org", "999999"])
    assert exc.value.code == 1
    assert "找不到代码为 999999 的组织" in capsys.readouterr().err


def test_import_members_dry_run_writes_nothing(roster, tree):
    path, _ = roster
    lines, result = _call("import_members", str(path), "--org", tree.xinge.code, "--dry-run")
    assert (result["imported"], result["rejected"]) == (5, 1)
    assert "仅检查，未写入" in lines[0]
    assert not Member.objects.exists() and not MembershipEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="members.import.applied").exists()


def test_import_members_report_has_the_reasons(roster, tree, tmp_path):
    path, persons = roster
    report = tmp_path / "错误行.xlsx"
    lines, _result = _call("import_members", str(path), "--org", tree.xinge.code, "--report", str(report))
    assert str(report) in lines[-2]
    book = CalamineWorkbook.from_path(str(report))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "行号" and rows[0][-1] == "错误原因"
    assert [(r[0], r[-1]) for r in rows[1:]] == [("5", "姓名为空。")]
    notes = book.get_sheet_by_name("提醒").to_python()
    assert [(r[0], r[-1]) for r in notes[1:]] == [("8", "手机号应为以 1 开头的 11 位数字。该项未导入。")]
    assert rows[1][2] == persons[1].id_number


def test_import_members_upsert_and_again(roster, tree):
    path, _ = roster
    _call("import_members", str(path), "--org", tree.xinge.code)
    _lines, result = _call("import_members", str(path), "--org", tree.xinge.code, "--mode", "upsert")
    assert (result["imported"], result["updated"], result["unchanged"], result["rejected"]) == (0, 0, 5, 1)


def test_import_members_accepts_csv(tmp_path, tree):
    path = write_csv(tmp_path / "r.csv", rows_of(people(3, seed=61)), encoding="gbk")
    _lines, result = _call("import_members", str(path), "--org", tree.xinge.code)
    assert result["imported"] == 3


@pytest.mark.parametrize(
    ("org", "message"),
    [
        ("91320322MA0000000X", "找不到代码为"),
        ("320322107", "请选择一个企业或工会"),  # a town
    ],
)
def test_import_members_refuses_an_unknown_or_unsuitable_org(roster, tree, org, message):
    path, _ = roster
    with pytest.raises(CommandError, match=message):
        call_command("import_members", str(path), "--org", org, stdout=io.StringIO())
    assert not Member.objects.exists()


def test_import_members_refuses_a_missing_file_and_a_broken_one(tmp_path, tree):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_members", str(tmp_path / "none.xlsx"), "--org", tree.xinge.code)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("姓名,电话\n张三,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未找到表头"):
        call_command("import_members", str(broken), "--org", tree.xinge.code, stdout=io.StringIO())
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and "未找到表头" in job.error
    assert not Path(job.stored).exists()


def test_import_members_into_an_enterprise_without_a_union(roster, tree):
    from gefeng.orgs import services as org_services
    from gefeng.orgs.models import Kind

    bare = org_services.orgnode_create(
        actor=SYSTEM,
        parent=tree.longgu,
        kind=Kind.ENTERPRISE,
        name="沛县无会科技有限公司",
        code=_uscc(),
        audit_it=False,
    )
    path, _ = roster
    with pytest.raises(CommandError, match="尚未建立工会"):
        call_command("import_members", str(path), "--org", bare.code, stdout=io.StringIO())


def _uscc() -> str:
    from gefeng.core.validators import make_uscc

    return make_uscc("91", "320322", "MA1ABCDE")


# ---------------------------------------------------------------- export_members


@pytest.fixture
def registry(tree, personas, person):
    chair, outsider = personas["chair"], personas["outsider"]
    zhang = services.member_join(
        actor=chair,
        union=tree.xinge_union,
        team=tree.xinge_team,
        data=person(card_number="3203222000000001", ethnicity="汉族", migrant=True),
    )
    li = services.member_join(
        actor=chair,
        union=tree.xinge_union,
        data=person(name="李四", id_number=make_id("19850315", "002"), phone="13900000001", occupation=FORMULA),
    )
    lv = services.member_join(
        actor=outsider,
        union=tree.henghui_union,
        data=person(name="吕布", id_number=make_id("19880101", "009"), phone="13900000002"),
    )
    gone = services.member_join(
        actor=chair,
        union=tree.xinge_union,
        data=person(name="王五", id_number=make_id("19800101", "013"), phone="13900000003"),
    )
    services.member_leave(actor=chair, member=gone, on=dt.date(2021, 1, 1), reason="本人申请")
    return {"zhang": zhang, "li": li, "lv": lv, "gone": gone}


def _xlsx(path: Path) -> list[list]:
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["会员名册"]
    return book.get_sheet_by_index(0).to_python()


def test_export_members_masks_by_default(registry, tree, tmp_path):
    out = tmp_path / "会员.xlsx"
    lines, result = _call("export_members", str(out), "--org", tree.xinge.code)
    assert result == {"rows": 2, "path": str(out), "format": "xlsx", "reveal": False}
    rows = _xlsx(out)
    assert rows[0] == [str(h) for h in exporting.EXPORT_HEADERS]
    for label in ("姓名", "身份证号", "性别", "年龄", "手机号", "单位", "入会日期"):
        assert label in rows[0]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"张三", "李四"}  # the subtree, active members only
    zhang = registry["zhang"]
    assert by_name["张三"]["身份证号"] == zhang.id_masked != zhang.id_number
    assert by_name["张三"]["手机号"] == "*******5678"
    assert by_name["张三"]["单位"] == tree.xinge.name and by_name["张三"]["班组"] == "装配一班"
    assert by_name["张三"]["性别"] == "男" and by_name["张三"]["农民工"] == "是"
    assert by_name["李四"]["工种"] == "'" + FORMULA  # never a live formula
    body = out.read_bytes()
    assert zhang.id_number.encode() not in body
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    entry = AuditEntry.objects.get(action="members.member.exported")
    assert entry.source == "cli" and entry.changes["reveal"] is False
    assert not AuditEntry.objects.filter(action="members.export.revealed").exists()
    assert "已导出 2 名会员" in lines[0]


def test_export_members_reveals_with_an_audit_entry(registry, tree, tmp_path):
    out = tmp_path / "full.xlsx"
    _lines, result = _call("export_members", str(out), "--org", tree.county.code, "--reveal")
    assert result["rows"] == 3 and result["reveal"] is True
    rows = _xlsx(out)
    header = rows[0]
    ids = {r[header.index("身份证号")] for r in rows[1:]}
    assert ids == {registry[k].id_number for k in ("zhang", "li", "lv")}
    phones = {r[header.index("手机号")] for r in rows[1:]}
    assert "13812345678" in phones
    entry = AuditEntry.objects.get(action="members.export.revealed")
    assert (entry.source, entry.actor) == ("cli", None)
    assert entry.changes["org"] == "沛县" and entry.changes["format"] == "xlsx"


def test_export_members_csv_with_bom(registry, tree, tmp_path):
    out = tmp_path / "会员.csv"
    _lines, result = _call("export_members", str(out), "--org", tree.county.code, "--status", "all")
    assert result["format"] == "csv" and result["rows"] == 4
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == [str(h) for h in exporting.EXPORT_HEADERS]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"张三", "李四", "吕布", "王五"}
    assert by_name["王五"]["会籍状态"] == "已退会"
    assert by_name["张三"]["身份证号"] == registry["zhang"].id_masked
    assert by_name["张三"]["入会日期"] == "2020-05-01" and by_name["张三"]["农民工"] == "是"
    assert by_name["李四"]["工种"] == "'" + FORMULA
    assert b"\r\n" in raw


def test_export_members_format_option_wins_over_the_suffix(registry, tree, tmp_path):
    out = tmp_path / "export.dat"
    _lines, result = _call("export_members", str(out), "--org", tree.henghui.code, "--format", "csv")
    assert result["format"] == "csv" and result["rows"] == 1
    assert "吕布" in out.read_text(encoding="utf-8-sig")


def test_export_members_of_a_node_without_members(registry, tree, tmp_path):
    out = tmp_path / "empty.xlsx"
    _lines, result = _call("export_members", str(out), "--org", tree.hrss.code or "320322", "--status", "retained")
    assert result["rows"] == 0
    assert len(_xlsx(out)) == 1  # the header only


def test_export_members_refusals(registry, tree, tmp_path):
    with pytest.raises(CommandError, match="找不到代码为"):
        call_command("export_members", str(tmp_path / "x.xlsx"), "--org", "999999")
    with pytest.raises(CommandError, match="输出目录不存在"):
        call_command("export_members", str(tmp_path / "no" / "x.xlsx"), "--org", tree.county.code)
    with pytest.raises(CommandError, match="是一个目录"):
        call_command("export_members", str(tmp_path), "--org", tree.county.code)
    assert not AuditEntry.objects.filter(action="members.member.exported").exists()


def test_export_members_status_choices(registry, tree, tmp_path):
    out = tmp_path / "left.csv"
    _lines, result = _call("export_members", str(out), "--org", tree.county.code, "--status", Status.LEFT)
    assert result["rows"] == 1 and "王五" in out.read_text(encoding="utf-8-sig")
