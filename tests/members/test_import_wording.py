"""A roster's own words for the registry's choices: the built-in synonyms, the words a union maps
on the import preview (remembered for its next files, not another union's), `import_members
--map / --map-file`, and values the registry does not know left out with a warning."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from gefeng.core import scope
from gefeng.core.actors import SYSTEM
from gefeng.core.models import AuditEntry
from gefeng.members import services
from gefeng.members.imports import pipeline
from gefeng.members.models import ImportJob, ImportMode, Member, ValueMapping
from tests.members.test_import import (
    HEADERS,
    NAME,
    SEX,
    counts,
    member,
    people,
    rejects,
    rows_of,
    run,
    warnings,
    write_xlsx,
)
from tests.members.test_import_views import _text, _token, client_for, data_dir  # noqa: F401

pytestmark = pytest.mark.django_db

POLITICAL, EDUCATION, JOB, SKILL, NEW_FORM, MIGRANT, ID = 5, 6, 8, 10, 11, 12, 3


@pytest.fixture
def union(tree):
    return tree.xinge_union


def _rows(n: int, seed: int, **cells: Any) -> list[list[Any]]:
    """`n` valid rows with the given columns (by index in HEADERS, as `c<index>`) overwritten."""
    rows = rows_of(people(n, seed=seed))
    for key, value in cells.items():
        col = int(key[1:])
        for row in rows:
            row[col] = value
    return rows


# ---------------------------------------------------------------- built-in synonyms


def test_a_roster_in_its_own_words_imports_every_good_row(tmp_path, union):
    persons = people(8, seed=81)
    rows = rows_of(persons)
    words = [
        # (sex, political, education, job, skill, new form group, migrant)
        ("男性", "党员", "大学本科", "一线职工", "高级工", "外卖骑手", "Y"),
        ("男士", "预备党员", "本科学历", "一线员工", "技师", "卡车司机", "√"),
        ("男", "团员", "学士", "生产一线", "高级技师", "快递小哥", "否"),
        ("男性", "中共党员", "研究生", "一线工人", "三级", "网约配送员", "是"),
        ("男", "群众", "技校", "技术员", "二级", "护工", "n"),
        ("男", "无党派人士", "职高", "管理", "一级", "保安", "no"),
        ("男", "民盟", "初中及以下", "工人", "中级工", "家政", "×"),
        ("男", "无", "大 学 本 科", "一线职工", "无", "无", ""),
    ]
    for row, person, w in zip(rows, persons, words, strict=True):
        sex = w[0] if person.sex == "男" else w[0].replace("男", "女")
        row[SEX], row[POLITICAL], row[EDUCATION], row[JOB], row[SKILL], row[NEW_FORM], row[MIGRANT] = (sex, *w[1:])
    rows[3][EDUCATION] = "ＢＡＣＨＥＬＯＲ"  # unknown: full-width is folded, but English is no synonym
    job = run(write_xlsx(tmp_path / "r.xlsx", rows), union)
    assert counts(job) == {"rows": 8, "imported": 8, "updated": 0, "unchanged": 0, "rejected": 0}
    got = [member(p.id_number) for p in persons]
    political = ["中共党员", "中共预备党员", "共青团员", "中共党员", "群众", "其他", "民主党派", ""]
    assert [m.political_status for m in got] == political
    assert [m.education for m in got] == ["本科", "本科", "本科", "", "中专", "中专", "初中", "本科"]
    assert [m.job_category for m in got] == [*["一线工人"] * 4, "技术人员", "管理人员", "一线工人", "一线工人"]
    assert [m.skill_level for m in got] == ["3", "2", "1", "3", "2", "1", "4", ""]
    assert [m.new_form_group for m in got] == [
        "网约送餐员",
        "货车司机",
        "快递员",
        "网约送餐员",
        "护工护理员",
        "保安员",
        "家政服务员",
        "",
    ]
    assert [m.migrant for m in got] == [True, True, False, True, False, False, False, False]
    assert job.result["warnings"] == 1
    assert job.result["unknown"] == {"education": {"BACHELOR": 1}}  # as the cell reads after NFKC
    ((row, _name, column, value, message),) = warnings(job)
    assert (row, column, value) == ("7", "文化程度", "BACHELOR")
    assert message == "文化程度“BACHELOR”不在可选范围内，该项未导入。"


def test_the_synonyms_are_stored_values_of_their_columns():
    for key in pipeline.CHOICE_COLUMNS:
        codes = {code for code, _label in pipeline.choices(key)} | {""}
        assert set(pipeline.builtin_table(key).values()) <= codes, key


def test_a_missing_name_or_id_number_still_rejects(tmp_path, union):
    rows = _rows(3, 82, c6="大学本科")
    rows[0][NAME] = ""
    rows[1][ID] = ""
    job = run(write_xlsx(tmp_path / "r.xlsx", rows), union)
    assert counts(job)["imported"] == 1 and counts(job)["rejected"] == 2
    assert job.result["reasons"] == {"姓名为空。": 1, "身份证号为空。": 1}


def test_an_upsert_keeps_the_members_value_when_the_file_s_is_unknown(tmp_path, union):
    rows = _rows(2, 83, c6="大专")
    run(write_xlsx(tmp_path / "a.xlsx", rows), union)
    again = [list(r) for r in rows]
    again[0][EDUCATION] = "夜大"  # unknown
    again[1][EDUCATION] = "大学本科"  # a synonym: a real change
    job = run(write_xlsx(tmp_path / "b.xlsx", again), union, mode=ImportMode.UPSERT)
    assert (job.result["updated"], job.result["unchanged"], job.result["warnings"]) == (1, 1, 1)
    assert member(str(rows[0][ID])).education == "大专"
    assert member(str(rows[1][ID])).education == "本科"


# ---------------------------------------------------------------- remembered mappings


def test_a_union_s_mapping_is_applied_to_its_rosters_only(tmp_path, tree, union):
    services.value_mappings_save(actor=SYSTEM, union=union, mappings=[("job_category", "操 作 岗", "一线工人")])
    mapping = ValueMapping.objects.get()
    assert (mapping.column, mapping.raw_value, mapping.value) == ("job_category", "操作岗", "一线工人")
    rows = _rows(2, 84, c8="操作岗")
    job = run(write_xlsx(tmp_path / "a.xlsx", rows), union)
    assert job.result["warnings"] == 0 and member(str(rows[0][ID])).job_category == "一线工人"
    other = _rows(2, 85, c8="操作岗")
    job = run(write_xlsx(tmp_path / "b.xlsx", other), tree.henghui_union)
    assert counts(job)["imported"] == 2 and job.result["unknown"] == {"job_category": {"操作岗": 2}}
    assert member(str(other[0][ID])).job_category == ""


def test_a_mapping_to_empty_leaves_the_field_empty_without_a_warning(tmp_path, union):
    services.value_mappings_save(actor=SYSTEM, union=union, mappings=[("skill_level", "见习", "")])
    job = run(write_xlsx(tmp_path / "a.xlsx", _rows(2, 86, c10="见习")), union)
    assert job.result["warnings"] == 0 and counts(job)["imported"] == 2
    assert set(Member.objects.values_list("skill_level", flat=True)) == {""}


def test_the_mapping_service_validates_checks_the_scope_and_audits(union, personas):
    with pytest.raises(ValidationError) as exc:
        services.value_mappings_save(actor=SYSTEM, union=union, mappings=[("education", "夜大", "夜大")])
    assert "文化程度没有“夜大”这个选项" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.value_mappings_save(actor=SYSTEM, union=union, mappings=[("name", "张", "")])
    with pytest.raises(PermissionDenied):
        services.value_mappings_save(actor=personas["outsider"], union=union, mappings=[("education", "夜大", "大专")])
    assert (
        not ValueMapping.objects.exists() and not AuditEntry.objects.filter(action__startswith="members.value").exists()
    )
    chair = personas["chair"]
    assert services.value_mappings_save(actor=chair, union=union, mappings=[("education", "夜大", "大专")]) == 1
    assert services.value_mappings_save(actor=chair, union=union, mappings=[("education", "夜大", "大专")]) == 0
    assert services.value_mappings_save(actor=chair, union=union, mappings=[("education", "夜大", "本科")]) == 1
    assert ValueMapping.objects.get().value == "本科"
    assert services.value_mappings_save(actor=chair, union=union, mappings=[("education", "夜大", None)]) == 1
    assert not ValueMapping.objects.exists()
    entries = AuditEntry.objects.filter(action="members.value_mapping.saved").order_by("id")
    assert [e.changes["mappings"][0]["to"] for e in entries] == ["大专", "本科", None]
    assert entries[0].actor == chair


def test_mappings_are_scoped_like_the_imports(union, tree, personas):
    services.value_mappings_save(actor=SYSTEM, union=union, mappings=[("education", "夜大", "大专")])
    services.value_mappings_save(actor=SYSTEM, union=tree.henghui_union, mappings=[("education", "夜大", "本科")])
    seen = scope.visible(personas["chair"], ValueMapping)
    assert list(seen.values_list("org", flat=True)) == [union.pk]
    assert scope.visible(personas["worker"], ValueMapping).count() == 0


# ---------------------------------------------------------------- the preview


def _upload(tmp_path: Path, rows: list[list[Any]], name: str = "花名册.xlsx") -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")


def _preview(client, union, upload) -> str:
    response = client.post(reverse("members:import-create"), {"union": union.pk, "mode": "insert", "file": upload})
    assert response.status_code == 200
    return _text(response)


def _mapping_fields(body: str) -> dict[tuple[str, str], str]:
    """(column label, word) → the select's name, from the preview's mapping table."""
    import re

    found = {}
    for column, word, field in re.findall(
        r'<tr data-column="([^"]+)" data-value="([^"]+)">.*?<select[^>]*name="(map-\d+)"', body, re.S
    ):
        found[(column, word)] = field
    return found


def _mapping_counts(body: str) -> dict[tuple[str, str], int]:
    import re

    pattern = r'<tr data-column="([^"]+)" data-value="([^"]+)">.*?data-count>(\d+)</td>'
    return {(column, word): int(n) for column, word, n in re.findall(pattern, body, re.S)}


def test_the_preview_lists_unknown_values_with_counts_and_remembers_the_choice(client_for, tmp_path, tree, union):  # noqa: F811
    client = client_for("chair")
    rows = _rows(30, 87)  # more than the 10 preview rows: the counts are of the whole file
    for i, row in enumerate(rows):
        row[JOB] = "操作岗" if i % 3 == 0 else "一线职工"
        row[EDUCATION] = "夜大" if i >= 25 else "大学本科"
    body = _preview(client, union, _upload(tmp_path, rows))
    assert 'data-testid="import-mappings"' in body
    fields = _mapping_fields(body)
    assert set(fields) == {("岗位类别", "操作岗"), ("文化程度", "夜大")}  # 一线职工, 大学本科: built in
    assert _mapping_counts(body) == {("岗位类别", "操作岗"): 10, ("文化程度", "夜大"): 5}
    post = {"token": _token(body), "action": "confirm", fields[("岗位类别", "操作岗")]: "一线工人"}
    post[fields[("文化程度", "夜大")]] = "-"  # leave empty, no warning
    client.post(reverse("members:import-create"), post)
    job = ImportJob.objects.get()
    assert counts(job)["imported"] == 30 and job.result["warnings"] == 0
    assert set(Member.objects.values_list("job_category", flat=True)) == {"一线工人"}
    assert Member.objects.filter(education="").count() == 5
    assert dict(ValueMapping.objects.filter(org=union).values_list("raw_value", "value")) == {
        "操作岗": "一线工人",
        "夜大": "",
    }
    assert AuditEntry.objects.get(action="members.value_mapping.saved").actor.username == "chair"

    # The next file of the union: the remembered choices are preselected and can still be changed.
    rows = _rows(4, 88, c8="操作岗", c6="夜大")
    body = _preview(client, union, _upload(tmp_path, rows, "第二批.xlsx"))
    fields = _mapping_fields(body)
    assert set(fields) == {("岗位类别", "操作岗"), ("文化程度", "夜大")}
    assert "上次选择" in body and '<option value="一线工人" selected>' in body
    post = {"token": _token(body), "action": "confirm", fields[("岗位类别", "操作岗")]: "一线工人"}
    post[fields[("文化程度", "夜大")]] = "大专"
    client.post(reverse("members:import-create"), post)
    assert ValueMapping.objects.get(raw_value="夜大").value == "大专"
    assert Member.objects.filter(education="大专").count() == 4


def test_an_unchosen_value_is_imported_empty_with_a_warning_and_cancel_saves_nothing(client_for, tmp_path, union):  # noqa: F811
    client = client_for("chair")
    body = _preview(client, union, _upload(tmp_path, _rows(3, 89, c6="夜大")))
    field = _mapping_fields(body)[("文化程度", "夜大")]
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "cancel", field: "大专"})
    assert not ValueMapping.objects.exists()
    body = _preview(client, union, _upload(tmp_path, _rows(3, 89, c6="夜大"), "again.xlsx"))
    client.post(reverse("members:import-create"), {"token": _token(body), "action": "confirm"})
    job = ImportJob.objects.get()
    assert counts(job)["imported"] == 3 and job.result["warnings"] == 3
    assert not ValueMapping.objects.exists()
    detail = _text(client.get(reverse("members:import-detail", args=[job.pk])))
    assert 'data-count="warnings"' in detail and "文化程度不在可选范围内，该项未导入。" in detail
    assert "“夜大”" in detail and 'data-testid="import-unknown"' in detail
    assert rejects(job) == [] and len(warnings(job)) == 3


def test_a_tampered_mapping_choice_is_refused_and_nothing_imported(client_for, tmp_path, union):  # noqa: F811
    client = client_for("chair")
    body = _preview(client, union, _upload(tmp_path, _rows(2, 90, c6="夜大")))
    field = _mapping_fields(body)[("文化程度", "夜大")]
    response = client.post(
        reverse("members:import-create"), {"token": _token(body), "action": "confirm", field: "夜校"}, follow=True
    )
    assert "文化程度没有“夜校”这个选项" in _text(response)
    assert not ImportJob.objects.exists() and not ValueMapping.objects.exists()


# ---------------------------------------------------------------- the command line


def _call(*args: str) -> tuple[list[str], dict]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


def test_import_members_lists_unknown_values_and_counts_warnings(tmp_path, tree, union):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(3, 91, c6="夜大", c8="操作岗"))
    lines, result = _call("import_members", str(path), "--org", tree.xinge.code)
    assert result["imported"] == 3 and result["warnings"] == 6
    assert result["unknown"] == {"education": {"夜大": 3}, "job_category": {"操作岗": 3}}
    assert any("文化程度中不认识的取值" in line and "“夜大” 3 行" in line for line in lines)


def test_import_members_map_and_map_file(tmp_path, tree, union):
    mapfile = tmp_path / "对照.csv"
    with open(mapfile, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["列", "原值", "取值"])
        writer.writerow(["学历", "夜大", "大学专科"])  # a header alias and a synonym of 大专
        writer.writerow(["技能等级", "见习", ""])
    path = write_xlsx(tmp_path / "r.xlsx", _rows(3, 92, c6="夜大", c8="操作岗", c10="见习"))
    _lines, result = _call(
        "import_members",
        str(path),
        "--org",
        tree.xinge.code,
        "--map",
        "岗位类别=操作岗:一线工人",
        "--map-file",
        str(mapfile),
    )
    assert result["imported"] == 3 and result["warnings"] == 0 and result["unknown"] == {}
    assert set(Member.objects.values_list("education", "job_category", "skill_level")) == {("大专", "一线工人", "")}
    assert ValueMapping.objects.filter(org=union).count() == 3  # remembered for the union's next files


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "文化程度夜大本科"], "应写成 列=原值:取值"),
        (["--map", "姓名=张:李"], "不是可以对照取值的列"),
        (["--map", "文化程度=夜大:夜校"], "文化程度没有“夜校”这个选项"),
        (["--map", "文化程度=:本科"], "原值为空"),
    ],
)
def test_import_members_refuses_a_bad_map(tmp_path, tree, args, message):
    path = write_xlsx(tmp_path / "r.xlsx", _rows(1, 93))
    with pytest.raises(CommandError, match=message):
        call_command("import_members", str(path), "--org", tree.xinge.code, *args, stdout=io.StringIO())
    assert not ImportJob.objects.exists() and not ValueMapping.objects.exists()


def test_headers_of_this_module_match_the_roster():
    assert HEADERS[POLITICAL] == "政治面貌" and HEADERS[EDUCATION] == "文化程度" and HEADERS[JOB] == "岗位类别"
    assert HEADERS[SKILL] == "技能等级" and HEADERS[NEW_FORM] == "新就业形态群体" and HEADERS[MIGRANT] == "是否农民工"
