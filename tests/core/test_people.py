import datetime as dt
import importlib.util
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from python_calamine import CalamineWorkbook

from gefeng.core import people as people_module
from gefeng.core.people import MIGRANT_REGIONS, NEW_FORM_OCCUPATION, Person, PersonFactory
from gefeng.core.validators import clean_text, id_check_char, normalize_mobile, parse_id_number

TODAY = dt.date(2020, 12, 31)
ROOT = Path(__file__).resolve().parents[2]


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


@pytest.fixture(scope="module")
def crowd() -> list[Person]:
    return list(PersonFactory(2026).people(50_000))


# ---------------------------------------------------------------- the factory


def test_same_seed_same_people():
    a = list(PersonFactory(11).people(2_000))
    b = list(PersonFactory(11).people(2_000))
    assert a == b
    assert list(PersonFactory(12).people(2_000)) != a


def test_person_and_people_share_one_stream():
    f, g = PersonFactory(5), PersonFactory(5)
    assert [f.person() for _ in range(50)] == list(g.people(50))


def test_id_and_card_numbers_are_unique(crowd):
    assert len({p.id_number for p in crowd}) == len(crowd)
    assert len({p.card_number for p in crowd}) == len(crowd)
    assert all(re.fullmatch(r"32032220\d{8}", p.card_number) for p in crowd)


def test_every_id_number_and_mobile_is_valid(crowd):
    for p in crowd:
        info = parse_id_number(p.id_number, today=TODAY)
        assert info.number == p.id_number
        assert p.id_number[17] == id_check_char(p.id_number[:17])
        assert info.sex == p.sex
        assert info.birth_date == p.birth_date
        assert normalize_mobile(p.mobile) == p.mobile
        assert re.fullmatch(r"1[3-9]\d{9}", p.mobile)


def test_sex_parity_and_dates_are_consistent(crowd):
    for p in crowd:
        assert int(p.id_number[16]) % 2 == (1 if p.sex == "男" else 0)
        assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d")
        assert 1960 <= p.birth_date.year <= 2004
        assert p.age_on(TODAY) >= 16
        assert _anniversary(p.birth_date, 16) <= p.joined_on <= TODAY
        if p.sex == "女":
            assert p.age_on(TODAY) <= 55
        else:
            assert p.age_on(TODAY) <= 60


def test_attributes_fit_the_age(crowd):
    for p in crowd:
        age = p.age_on(TODAY)
        if p.political_status == "共青团员":
            assert age <= 28
        if p.political_status in ("中共党员", "中共预备党员"):
            assert age >= 18
        if p.education == "本科":
            assert age >= 22 and p.joined_on >= _anniversary(p.birth_date, 22)
        if p.skill_level == "一级/高级技师":
            assert age >= 33
        if p.new_form_group:
            assert p.job_category == "一线工人"
            assert p.occupation == NEW_FORM_OCCUPATION[p.new_form_group]
        else:
            assert p.occupation not in ("保安员", "快递员", "网约配送员", "货车驾驶员")
        assert p.migrant or p.region == "320322"


def test_distributions_are_plausible(crowd):
    n = len(crowd)

    def share(pred):
        return sum(1 for p in crowd if pred(p)) / n

    assert 0.55 <= share(lambda p: p.job_category == "一线工人") <= 0.75
    assert 0.15 <= share(lambda p: p.migrant) <= 0.50
    assert 0.75 <= share(lambda p: p.region == "320322") <= 0.95
    assert 0.08 <= share(lambda p: p.political_status == "中共党员") <= 0.16
    assert share(lambda p: p.ethnicity == "汉族") >= 0.97
    assert 0.01 <= share(lambda p: p.new_form_group != "") <= 0.08
    assert 0.45 <= share(lambda p: p.sex == "男") <= 0.65
    assert share(lambda p: p.skill_level == "") > share(lambda p: p.skill_level == "一级/高级技师")
    assert {p.region for p in crowd} <= {"320322", *MIGRANT_REGIONS}
    surnames = Counter(p.name[0] for p in crowd)
    assert {s for s, _ in surnames.most_common(4)} == {"王", "李", "张", "刘"}
    assert len(surnames) >= 100


def test_names_are_cjk_and_realistic(crowd):
    for p in crowd:
        assert 2 <= len(p.name) <= 4
        assert all("\u4e00" <= c <= "\u9fff" for c in p.name), p.name
        assert all(unicodedata.category(c) == "Lo" for c in p.name)
    names = [p.name for p in crowd]
    assert any(c in name for name in names for c in "堃喆玥")
    assert any(name.startswith(("欧阳", "司马", "诸葛")) for name in names)
    assert any(name[0] in "单解仇区查朴" for name in names)
    assert 0.05 <= sum(1 for name in names if len(name) == 2) / len(names) <= 0.35


def test_region_years_and_today_are_honoured():
    f = PersonFactory(3)
    crowd = list(f.people(2_000, region="320321", born_between=(1990, 1999), today=dt.date(2023, 6, 30)))
    assert all(1990 <= p.birth_date.year <= 1999 for p in crowd)
    assert all(p.joined_on <= dt.date(2023, 6, 30) for p in crowd)
    assert all(p.card_number.startswith("32032120") for p in crowd)
    assert sum(p.region == "320321" for p in crowd) / len(crowd) > 0.75
    for p in crowd:
        parse_id_number(p.id_number, today=dt.date(2023, 6, 30))
    with pytest.raises(ValueError):
        f.person(born_between=(2010, 2012))
    with pytest.raises(ValueError):
        f.person(region="3203")


def test_a_full_day_moves_to_another_day():
    """More people than sequence codes (500 for men, 499 for women) for one day and place still get unique numbers."""
    f = PersonFactory(9)
    crowd = list(f.people(2_000, born_between=(2004, 2004), today=dt.date(2020, 1, 3)))  # 3 days
    assert len({p.id_number for p in crowd}) == len(crowd)
    local_men = Counter(p.birth_date for p in crowd if p.sex == "男" and p.region == "320322")
    assert max(local_men.values()) == 500


def test_no_numbers_left_is_an_error():
    f = PersonFactory(9)
    with pytest.raises(RuntimeError, match="no ID numbers left"):
        list(f.people(2_000, born_between=(2004, 2004), today=dt.date(2020, 1, 1)))  # one day


def test_check_tables_are_those_of_the_validators():
    from gefeng.core import validators

    assert people_module._WEIGHTS == validators._ID_WEIGHTS
    assert people_module._CHECK == validators._ID_CHECK


# ---------------------------------------------------------------- make_rosters


@pytest.fixture(scope="module")
def make_rosters():
    spec = importlib.util.spec_from_file_location("make_rosters", ROOT / "bench" / "make_rosters.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(make_rosters, capsys, *args: str) -> dict:
    assert make_rosters.main(list(args)) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _read(path: Path, encoding: str = "utf-8-sig") -> tuple[list[str], list[list]]:
    if path.suffix == ".xlsx":
        wb = CalamineWorkbook.from_path(str(path))
        return wb.sheet_names, wb.get_sheet_by_name(wb.sheet_names[-1]).to_python()
    import csv

    with open(path, encoding=encoding, newline="") as f:
        return [], list(csv.reader(f))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_clean_roster_reads_back(make_rosters, capsys, tmp_path, fmt):
    out = tmp_path / f"roster.{fmt}"
    report = _run(make_rosters, capsys, "--rows", "300", "--format", fmt, "--out", str(out), "--seed", "5")
    assert report["rows"] == report["good"] == 300
    sheets, rows = _read(out)
    if fmt == "xlsx":
        assert sheets == ["会员花名册"]
    assert rows[0][0].endswith("工会会员花名册") and rows[0][0].startswith("沛县")
    assert rows[1][0].startswith("填报单位：")
    assert any(str(c).startswith("填报日期：") for c in rows[1])
    assert report["header_row"] == 2
    assert list(rows[2]) == make_rosters.HEADERS
    data = rows[3:]
    assert len(data) == 300
    expected = list(PersonFactory(5).people(300))
    for i, (row, p) in enumerate(zip(data, expected, strict=True)):
        assert int(row[0]) == i + 1
        assert row[1] == p.name
        assert row[3] == p.id_number  # text, not a number
        assert row[7] == p.mobile
        assert row[14] == p.card_number
        if fmt == "xlsx":
            assert row[13] == p.joined_on  # a real date cell
        else:
            assert row[13] == p.joined_on.isoformat()


def _parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = clean_text(value)
    if text.isdigit():
        if len(text) == 8:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text))
    m = re.fullmatch(r"(\d{4})[./\-年](\d{1,2})[./\-月](\d{1,2})日?", text)
    assert m, value
    return dt.date(*map(int, m.groups()))


def _import(rows: list[list]) -> tuple[Counter, int, int, int]:
    """What a strict importer makes of the data rows: errors by kind, good rows, blanks, 合计 rows."""
    errors: Counter = Counter()
    seen: set[str] = set()
    blank = totals = 0
    for row in rows:
        if all(str(c).strip() == "" for c in row):
            blank += 1
            continue
        if str(row[0]) == "合计":
            totals += 1
            continue
        _parse_date(row[13])
        try:
            info = parse_id_number(row[3], today=dt.date(2021, 1, 8))
        except ValidationError as e:
            errors[{"id_check": "check_digit", "id_birth": "birth_date"}.get(e.code, e.code)] += 1
            continue
        if not clean_text(row[1]):
            errors["missing_name"] += 1
            continue
        if info.number in seen:
            errors["duplicate_id"] += 1
            continue
        try:
            normalize_mobile(row[7])
        except ValidationError:
            errors["invalid_phone"] += 1
            continue
        assert info.sex == row[2]
        seen.add(info.number)
    return errors, len(seen), blank, totals


@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", "utf-8-sig"), ("csv", "utf-8-sig"), ("csv", "gbk")])
def test_messy_roster_declares_its_mess(make_rosters, capsys, tmp_path, fmt, encoding):
    out = tmp_path / f"messy.{fmt}"
    args = ["--rows", "3000", "--format", fmt, "--out", str(out), "--messy", "--encoding", encoding]
    report = _run(make_rosters, capsys, *args)
    assert report["rows"] == 3000
    assert report["bad_total"] == 90 and all(n > 0 for n in report["bad"].values())
    assert report["good"] == 3000 - 90
    sheets, rows = _read(out, encoding)
    if fmt == "xlsx":
        assert sheets == ["填表说明", "会员花名册"]
    header = list(rows[report["header_row"]])
    assert header[1] == "姓 名" and header[3] == "公民身份号码" and header[7] == "联系电话"
    assert header[13] == "入会时间"
    data = rows[report["header_row"] + 1 :]
    errors, good, blank, totals = _import(data)
    assert dict(errors) == {k: v for k, v in report["bad"].items() if v}
    assert good == report["good"]
    assert blank == report["blank_rows"] >= 1
    assert totals == 1 and str(data[-1][0]) == "合计"

    ids = [str(r[3]) for r in data]
    assert any(re.search("[０-９]", i) for i in ids)  # full-width digits
    assert any(i.endswith("x") for i in ids)
    assert report["old_id_numbers"] > 0 and any(len(i) == 15 for i in ids)
    assert any("\u3000" in str(r[1]) for r in data)
    dates = [r[13] for r in data]
    assert any(isinstance(d, str) and "年" in d for d in dates)
    assert any(isinstance(d, str) and re.fullmatch(r"\d{4}\.\d\d\.\d\d", d) for d in dates)
    assert any(isinstance(d, str) and re.fullmatch(r"\d{8}", d) for d in dates)
    if fmt == "xlsx":
        assert any(isinstance(r[7], float) for r in data)  # phones stored as numbers
        assert any(isinstance(d, float) for d in dates)  # bare serial numbers
        assert any(isinstance(d, dt.date) for d in dates)
