"""Nothing a role can read without revealing lets it rebuild an ID number or a phone.

For every member a persona sees, the test gathers everything that persona can read about it — the
list row, the detail page, both export formats, the API, the audit log (page and both exports) —
and counts the ID numbers consistent with all of it: the characters any mask shows, the birth
date or the age if they appear, and (the worst case) the region code, which an attacker in the
county can guess. A number that is determined, or narrowed to a few candidates, fails.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gefeng.core.validators import id_check_char
from gefeng.members import exporting, services
from tests.members.conftest import make_id

# A member's number must stay among at least this many candidates for a role without the reveal
# right, the region code given (docs/members.md, 个人信息显示).
NON_REVEALER_MIN = 1000
# With the reveal right, masked output shows the age: still never fewer than this many.
REVEALER_MIN = 10
# Phones: no more than the last four digits, so 7·10⁵ numbers remain (1[3-9]xxxxx + the tail);
# the old `138****5678` left 10⁴.
PHONE_MIN = 10**5

PEOPLE = [  # name, birth, sequence, where
    ("周一鸣", "19900101", "011", "xinge"),
    ("吴二娘", "19851231", "022", "xinge"),
    ("郑三立", "19720229", "135", "xinge"),
    ("冯四海", "20010715", "246", "xinge"),
    ("陈五福", "19660308", "357", "henghui"),
]

MASK = re.compile(r"[0-9Xx*]{18}")
PHONE_MASK = re.compile(r"[0-9*]{11}")


@pytest.fixture
def roster(personas, tree, person):
    out = []
    for i, (name, birth, seq, where) in enumerate(PEOPLE):
        union = tree.xinge_union if where == "xinge" else tree.henghui_union
        member = services.member_join(
            actor=personas["county"],
            union=union,
            data=person(name=name, id_number=make_id(birth, seq), phone=f"1391234{i:04d}"),
        )
        # A correction and a reveal, so the audit log holds every kind of entry about a member.
        services.member_update(actor=personas["county"], member=member, data={"phone": f"1371234{i:04d}"})
        services.member_reveal(actor=personas["county"], member=member, field="id_number")
        member.refresh_from_db()
        out.append(member)
    return out


def _client(personas, name: str) -> Client:
    from gefeng.accounts.models import UserSession

    client = Client()
    client.force_login(personas[name])
    UserSession.objects.create(session_key=client.session.session_key, user=personas[name])
    return client


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if data.startswith(b"PK"):  # xlsx: every cell as text
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python()
        return "\n".join("\t".join(_cell(c) for c in row) for row in rows)
    return data.decode("utf-8-sig", "replace")


def _cell(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _readings(personas, name: str, roster) -> dict[int, list[str]]:
    """Everything `name` can read about each member: text per member (rows about several members
    are given to each of them whole, which only helps the attacker)."""
    client = _client(personas, name)
    per_member: dict[int, list[str]] = {m.pk: [] for m in roster}
    shared: list[str] = []
    page = client.get(reverse("members:member-list"), {"status": "all", "size": "200"})
    if page.status_code == 200:
        text = page.content.decode()
        for member in roster:
            row = re.search(rf'<tr data-member="{member.pk}">(.*?)</tr>', text, re.S)
            if row:
                per_member[member.pk].append(row.group(1))
    for member in roster:
        detail = client.get(reverse("members:member-detail", kwargs={"pk": member.pk}))
        if detail.status_code == 200:
            per_member[member.pk].append(detail.content.decode())
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("members:member-export"), {"format": fmt, "status": "all"})
        if export.status_code == 200:
            for line in _body(export).splitlines():
                for member in roster:
                    if member.name in line:
                        per_member[member.pk].append(line)
    audit = client.get(reverse("core:audit-list"), {"size": "200"})
    if audit.status_code == 200:
        shared.append(audit.content.decode())
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("core:audit-export"), {"format": fmt})
        if export.status_code == 200:
            shared.append(_body(export))
    from tests.test_url_permissions import _token_for

    api = Client(HTTP_AUTHORIZATION=f"Bearer {_token_for(personas[name])}")
    for url in ("/api/v1/me", "/api/v1/orgs?size=200"):
        answer = api.get(url)
        if answer.status_code == 200:
            shared.append(answer.content.decode())
    return {pk: texts + shared for pk, texts in per_member.items()}


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _birth_dates(member, text: str, today: dt.date) -> list[dt.date]:
    """The birth dates an attacker cannot rule out from `text`."""
    b = member.birth_date
    for shown in (f"{b:%Y-%m-%d}", f"{b:%Y%m%d}", f"{b:%Y/%m/%d}", f"{b.year}年{b.month}月{b.day}日"):
        if shown in text:
            return [b]
    start, end = dt.date(today.year - 100, 1, 1), dt.date(today.year - 16, 12, 31)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    age = _age(b, today)
    if re.search(rf"(^|[^0-9.]){age}( 岁|\t|,|$)", text, re.M):
        days = [d for d in days if _age(d, today) == age]
    return days


def _known_characters(number: str, text: str) -> dict[int, str]:
    """Positions of the number shown by any mask in `text` that fits it."""
    known: dict[int, str] = {}
    for token in MASK.findall(text):
        if "*" not in token and token.upper() != number:
            continue
        if all(c == "*" or c.upper() == n for c, n in zip(token, number, strict=True)):
            known |= {i: c.upper() for i, c in enumerate(token) if c != "*"}
    return known


def id_candidates(member, texts: list[str], today: dt.date, *, enough: int = 10 * NON_REVEALER_MIN) -> int:
    """How many numbers fit everything in `texts` (counting stops at `enough`)."""
    text = "\n".join(texts)
    number = member.id_number
    if number in text:
        return 1
    known = _known_characters(number, text)
    region = number[:6]  # the worst case: the attacker knows the county's code
    seqs = [f"{n:03d}" for n in range(1000)]
    seqs = [q for q in seqs if all(known.get(14 + i, c) == c for i, c in enumerate(q))]
    count = 0
    for birth in _birth_dates(member, text, today):
        ymd = f"{birth:%Y%m%d}"
        if any(known.get(6 + i, c) != c for i, c in enumerate(ymd)):
            continue
        for seq in seqs:
            body = f"{region}{ymd}{seq}"
            if known.get(17, "") in ("", id_check_char(body)):
                count += 1
                if count >= enough:
                    return count
    return count


def phone_candidates(member, texts: list[str]) -> int:
    text = "\n".join(texts)
    phone = member.phone
    if phone in text:
        return 1
    known: set[int] = set()
    for token in PHONE_MASK.findall(text):
        if "*" in token and all(c == "*" or c == p for c, p in zip(token, phone, strict=True)):
            known |= {i for i, c in enumerate(token) if c != "*"}
    unknown = [i for i in range(11) if i not in known]
    return (7 if 1 in unknown else 1) * 10 ** len([i for i in unknown if i > 1])


@pytest.mark.parametrize("name", ["auditor", "worker"])
def test_a_role_without_the_reveal_right_cannot_rebuild_a_number(name, roster, personas):
    today = dt.date.today()
    if name == "worker":  # the worker is linked to a member record of its own
        from gefeng.members.models import Member

        Member.objects.filter(pk=roster[0].pk).update(user=personas["worker"])
    readings = _readings(personas, name, roster)
    seen = [m for m in roster if any(m.name in t for t in readings[m.pk])]
    assert seen, "the role reads nothing: the test would prove nothing"
    for member in seen:
        texts = readings[member.pk]
        ids = id_candidates(member, texts, today)
        assert ids >= NON_REVEALER_MIN, (name, member.name, ids)
        phones = phone_candidates(member, texts)
        assert phones >= PHONE_MIN, (name, member.name, phones)


def test_masked_output_never_determines_a_number_for_an_official(roster, personas):
    """The enterprise chair may reveal (each reveal audited); its masked screens and exports must
    not make the reveal unnecessary."""
    today = dt.date.today()
    readings = _readings(personas, "chair", roster)
    seen = [m for m in roster if any(m.name in t for t in readings[m.pk])]
    assert len(seen) == 4
    for member in seen:
        texts = readings[member.pk]
        assert any(member.id_masked in t for t in texts)  # the export was read
        assert id_candidates(member, texts, today) >= REVEALER_MIN, member.name
        assert phone_candidates(member, texts) >= PHONE_MIN, member.name


def test_the_old_mask_with_the_birth_date_is_caught():
    """The counter itself: region + birth date + tail is one number; the tail alone is many."""

    class Person:
        id_number = make_id("19900101", "011")
        birth_date = dt.date(1990, 1, 1)
        phone = "13912340000"

    today = dt.date(2026, 12, 1)
    old = Person.id_number[:6] + "*" * 8 + Person.id_number[-4:]
    assert id_candidates(Person, [f"{old} 1990-01-01"], today) == 1
    assert id_candidates(Person, [f"{Person.id_number[-4:].rjust(18, '*')} 36 岁"], today) < NON_REVEALER_MIN
    assert id_candidates(Person, [Person.id_number[-4:].rjust(18, "*")], today) >= NON_REVEALER_MIN
    assert phone_candidates(Person, ["139****0000"]) < PHONE_MIN <= phone_candidates(Person, ["*******0000"])


def test_export_headers_follow_the_reveal():
    assert "年龄" in [str(h) for h in exporting.export_headers(reveal=False)]
    assert "出生日期" in [str(h) for h in exporting.export_headers(reveal=True)]


def test_auditor_cannot_narrow_by_age(roster, personas):
    """An age band or the order by birth date would tell the age the list does not show."""
    client = _client(personas, "auditor")
    everyone = client.get(reverse("members:member-list"), {"status": "all"}).content.decode()
    young = client.get(reverse("members:member-list"), {"status": "all", "age_band": "<=35"}).content.decode()
    for member in roster:
        assert (member.name in everyone) == (member.name in young)
    assert 'name="age_band"' not in everyone
