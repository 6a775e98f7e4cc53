"""Realistic fake workers, deterministic from a seed: the demo county, the tests and the benchmarks.

`PersonFactory(seed)` draws everything from one `random.Random(seed)` (only `random()` is used, whose
sequence Python keeps stable), so the same seed gives the same people in the same order on every run.

A person is consistent in itself: the 居民身份证号 carries the birth date and a sequence code whose
parity gives the sex, its check digit is GB 11643's, and it is unique within one factory; women are
at most 55 and men at most 60 on `today` (retirement ages) where the birth years allow it; education,
skill level and the 入会 date fit the age (nobody joins before 16, a 本科 graduate not before 22); a
共青团员 is at most 28; the 新就业形态 groups come with their own 工种. Address codes are mostly the
workplace's (`region`, 沛县 by default), the others those of the counties migrant workers come from.

Names are drawn from the ~100 most common surnames by frequency (复姓 and surnames with tricky
pinyin — 单 解 仇 区 查 朴 — rarely) and given names of the bearer's sex and generation, with a few
rare characters (堃 喆 玥 …). All names are fictional; a likeness to a real person is accidental.
Mobile numbers have real operators' prefixes and random subscriber digits: they may exist, so never
call or text them.

Speed: about 100,000 people a second on one core of the (slow) development server — 10⁶ people
in 10 s with 50 MB resident; most of it is building the `Person` objects and their strings.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from gefeng.core.people_data import (
    BORN_BETWEEN,
    EDU_DOWN,
    EDU_MIN_AGE,
    EDUCATION,
    EDUCATION_LEVELS,
    ETHNIC_GROUPS,
    GIVEN,
    JOB_CATEGORIES,
    LEAGUE_SHARE,
    LOCAL_MIGRANT_SHARE,
    LOCAL_SHARE,
    MIGRANT_REGIONS,
    MOBILE_PREFIXES,
    NEW_FORM_GROUPS,
    NEW_FORM_OCCUPATION,
    NEW_FORM_SHARE,
    OCCUPATIONS,
    PARTY_SHARE,
    RARE_GIVEN,
    RARE_GIVEN_SHARE,
    REGION,
    SKILL_DOWN,
    SKILL_MIN_AGE,
    SKILLS,
    SURNAMES,
    TODAY,
)
from gefeng.core.validators import id_check_char

T = TypeVar("T")


@dataclass(frozen=True)
class Person:
    """One generated worker; the field values are those of the 会员花名册 columns."""

    name: str
    sex: str  # "男" or "女"
    birth_date: dt.date
    id_number: str  # 18 characters, check digit per GB 11643
    mobile: str  # 11 digits
    ethnicity: str  # 汉族, 回族 …
    political_status: str  # 群众, 中共党员, 中共预备党员, 共青团员, 其他
    education: str  # 小学 … 博士
    job_category: str  # 一线工人, 技术人员, 管理人员, 其他
    occupation: str  # 工种
    skill_level: str  # "" or 五级/初级工 … 一级/高级技师
    new_form_group: str  # "" or one of the 八大群体
    migrant: bool  # 农民工
    joined_on: dt.date  # 入会日期
    card_number: str  # 会员证号

    @property
    def region(self) -> str:
        """The address code of the ID number (where the person is registered)."""
        return self.id_number[:6]

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def _lut(pairs: Iterable[tuple[T, float]], size: int = 20_000) -> list[T]:
    """A look-up table for weighted draws: `lut[int(random() * len(lut))]`.

    Integer weights up to `size` in total are kept exactly (each value repeated weight times);
    other weights are rounded to `size` slots (a value with a positive weight keeps at least one).
    """
    pairs = [(v, w) for v, w in pairs if w > 0]
    total = sum(w for _v, w in pairs)
    if total <= size and all(float(w).is_integer() for _v, w in pairs):
        return [v for v, w in pairs for _i in range(int(w))]
    lut: list[T] = []
    cum = 0.0
    for v, w in pairs:
        cum += w
        lut.extend([v] * max(1, round(cum * size / total) - len(lut)))
    return lut


@dataclass(frozen=True)
class _Tables:
    """The look-up tables that do not depend on the region, the years or `today`."""

    surnames: list[str]
    given: dict[tuple[bool, bool], list[str]]  # (male, young) → given names
    rare: dict[bool, list[str]]
    jobs: dict[bool, list[tuple[str, str, str]]]  # male → (category, occupation, new-form group)
    education: dict[tuple[str, int], list[int]]  # (category, generation) → index in EDUCATION_LEVELS
    skills: dict[str, list[str]]
    ethnic: list[str]
    mobiles: list[int]  # prefix · 10⁸


@functools.cache
def _tables() -> _Tables:
    given: dict[tuple[bool, bool], list[str]] = {}
    for (sex, era), pools in GIVEN.items():
        young = era == "young"
        single_share = 0.12 if young else 0.22
        pairs: list[tuple[str, float]] = []
        pairs += [(g, single_share / len(pools["single"])) for g in pools["single"]]
        pairs += [(g, 0.50 / len(pools["whole"])) for g in pools["whole"]]
        combos = [a + b for a in pools["first"] for b in pools["second"] if a != b]
        pairs += [(g, (0.50 - single_share) / len(combos)) for g in combos]
        given[(sex == "男", young)] = _lut(pairs, 100_000)
    jobs: dict[bool, list[tuple[str, str, str]]] = {}
    categories = dict(JOB_CATEGORIES)
    total = sum(categories.values())
    for male, sex in ((True, "男"), (False, "女")):
        job_pairs: list[tuple[tuple[str, str, str], float]] = []
        for category, weight in categories.items():
            share = weight / total
            if category == "一线工人":
                forms = NEW_FORM_GROUPS[sex]
                form_total = sum(w for _g, w in forms)
                job_pairs += [
                    ((category, NEW_FORM_OCCUPATION[g], g), share * NEW_FORM_SHARE * w / form_total) for g, w in forms
                ]
                share *= 1 - NEW_FORM_SHARE
            occupations = OCCUPATIONS[(category, sex)]
            occ_total = sum(w for _o, w in occupations)
            job_pairs += [((category, o, ""), share * w / occ_total) for o, w in occupations]
        jobs[male] = _lut(job_pairs, 100_000)
    return _Tables(
        surnames=_lut(SURNAMES),
        given=given,
        rare={sex == "男": names for sex, names in RARE_GIVEN.items()},
        jobs=jobs,
        education={key: _lut(list(enumerate(weights))) for key, weights in EDUCATION.items()},
        skills={cat: _lut(pairs) for cat, pairs in SKILLS.items()},
        ethnic=_lut(ETHNIC_GROUPS),
        mobiles=[int(prefix) * 10**8 for prefix in _lut(MOBILE_PREFIXES)],
    )


def _years_after(ordinal: int, years: int) -> int:
    """An ordinal on or at most two days after the `years`-th anniversary of `ordinal`."""
    return ordinal + 365 * years + years // 4 + 1


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return dt.date(day.year + years, 3, 1)


def _check_tables() -> tuple[tuple[int, ...], str]:
    """GB 11643's weights and check characters, read off `validators.id_check_char`.

    The generator adds cached partial sums (address code, birth date, sequence code) instead of
    calling `id_check_char` per person (4 µs each); reading both tables from it keeps one source.
    """
    by_rest = {}  # weighted sum mod 11 → check character; position 8 has weight 1
    for digit in range(10):
        by_rest[digit] = id_check_char("0" * 7 + str(digit) + "0" * 9)
    by_rest[10] = id_check_char("0" * 7 + "8" + "0" * 8 + "1")  # 8 + weight of the last position (2)
    check = "".join(by_rest[r] for r in range(11))
    weights = tuple(check.index(id_check_char("0" * i + "1" + "0" * (16 - i))) for i in range(17))
    return weights, check


_WEIGHTS, _CHECK = _check_tables()
_SEQ_SUMS = [sum(int(c) * w for c, w in zip(f"{s:03d}", _WEIGHTS[14:], strict=True)) for s in range(1000)]

_EPOCH_1985 = dt.date(1985, 1, 1).toordinal()
_new = object.__new__
_set = object.__setattr__


class PersonFactory:
    """Deterministic realistic workers. ID and card numbers are unique within one instance."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._makers: dict[tuple[str, tuple[int, int], dt.date], Callable[[], Person]] = {}
        self._used: dict[int, int] = {}  # day · 4096 + address code index → mask of used sequence codes
        self._region_index: dict[str, int] = {}
        self._region_sums: dict[str, int] = {}
        self._dates: dict[int, tuple[dt.date, str, int]] = {}  # ordinal → day, YYYYMMDD, check sum
        self._count = 0
        self._card_offset = random.Random(seed ^ 0x5EED).randrange(10**8)

    # ------------------------------------------------------------ public

    def person(
        self, *, region: str = REGION, born_between: tuple[int, int] = BORN_BETWEEN, today: dt.date = TODAY
    ) -> Person:
        return self._maker(region, born_between, today)()

    def people(
        self,
        n: int,
        *,
        region: str = REGION,
        born_between: tuple[int, int] = BORN_BETWEEN,
        today: dt.date = TODAY,
    ) -> Iterator[Person]:
        make = self._maker(region, born_between, today)
        for _i in range(n):
            yield make()

    # ------------------------------------------------------------ internals

    def _date(self, ordinal: int) -> tuple[dt.date, str, int]:
        day = dt.date.fromordinal(ordinal)
        ymd = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        hit = self._dates[ordinal] = (
            day,
            ymd,
            sum(int(c) * w for c, w in zip(ymd, _WEIGHTS[6:14], strict=True)),
        )
        return hit

    def _free_sequence(self, used: int, parity: int) -> int | None:
        free = [s for s in range(parity, 1000, 2) if not used >> s & 1]
        return free[int(self._rng.random() * len(free))] if free else None

    def _maker(self, region: str, born_between: tuple[int, int], today: dt.date) -> Callable[[], Person]:
        key = (region, (int(born_between[0]), int(born_between[1])), today)
        make = self._makers.get(key)
        if make is None:
            make = self._makers[key] = self._build_maker(*key)
        return make

    def _build_maker(  # one closure keeps the per-person work in local variables
        self, region: str, born_between: tuple[int, int], today: dt.date
    ) -> Callable[[], Person]:
        if len(region) != 6 or not region.isdigit():
            raise ValueError(f"region must be a 6-digit address code, not {region!r}")
        first_year, last_year = born_between
        start = dt.date(max(first_year, 1901), 1, 1)
        end = min(dt.date(last_year, 12, 31), _anniversary(today, -16))  # 16 on `today` at the latest
        if start > end:
            raise ValueError(f"nobody born in {first_year}–{last_year} is 16 on {today}")
        peak = _anniversary(today, -35).toordinal()  # the age pyramid's peak, inside the range
        births: dict[bool, tuple[int, float, float]] = {}
        for male, oldest in ((True, 60), (False, 55)):  # retirement ages
            lo = max(start, dt.date(today.year - oldest, 1, 1))
            if lo > end:  # the caller asked for older people: give them
                lo = start
            span = end.toordinal() - lo.toordinal() + 0.999
            mode = min(max((peak - lo.toordinal()) / span, 0.0), 1.0)
            births[male] = (lo.toordinal(), span, mode)

        others = [(code, float(w)) for code, (_name, w) in MIGRANT_REGIONS.items() if code != region]
        other_total = sum(w for _c, w in others)
        homes = _lut([(region, LOCAL_SHARE * other_total / (1 - LOCAL_SHARE)), *others])
        for code in sorted(set(homes)):
            self._region_index.setdefault(code, len(self._region_index))
            self._region_sums[code] = sum(int(c) * w for c, w in zip(code, _WEIGHTS[:6], strict=True))
        region_index, region_sums = self._region_index, self._region_sums

        t = _tables()
        surnames, given, rare, jobs_by_sex = t.surnames, t.given, t.rare, t.jobs
        education, skills, ethnic, mobiles = t.education, t.skills, t.ethnic, t.mobiles
        n_surnames, n_ethnic, n_mobiles, n_homes = len(surnames), len(ethnic), len(mobiles), len(homes)

        # The latest birth ordinal that allows a level (education, skill) by `today`, and the
        # earliest day after birth to join the union with an education level.
        today_ord = today.toordinal()
        edu_start = [_years_after(0, age) for age in EDU_MIN_AGE]
        edu_latest = [today_ord - days for days in edu_start]
        skill_latest = {k: _anniversary(today, -age).toordinal() for k, age in SKILL_MIN_AGE.items()}
        adult = _anniversary(today, -18).toordinal()  # born on or before: 18 or older
        league = _anniversary(today, -29).toordinal()  # born after: at most 28

        rng = self._rng
        rand = rng.random
        used_masks = self._used
        dates = self._dates
        date_of = self._date
        free_sequence = self._free_sequence
        sqrt = math.sqrt
        card_offset = self._card_offset
        card_base = int(region + "20") * 10**8
        seq_text = [f"{s:03d}" for s in range(1000)]
        factory = self

        def make() -> Person:
            male = rand() < 0.56
            jobs = jobs_by_sex[male]
            category, occupation, new_form = jobs[int(rand() * len(jobs))]

            # Birth date (triangular), address code and a free sequence code of the sex's parity.
            first, span, mode = births[male]
            home = homes[int(rand() * n_homes)]
            index = region_index[home]
            parity, choices = (1, 500.0) if male else (2, 499.0)  # men odd 001–999, women even 002–998
            full_days = 0
            while True:
                u = rand()
                x = span * (sqrt(u * mode) if u < mode else 1.0 - sqrt((1.0 - u) * (1.0 - mode)))
                birth_ord = first + int(x)
                key = birth_ord * 4096 + index
                used = used_masks.get(key, 0)
                for _try in range(8):
                    seq = 2 * int(rand() * choices) + parity
                    if not used >> seq & 1:
                        break
                else:
                    found = free_sequence(used, parity)
                    if found is None:  # this day is full: draw another
                        full_days += 1
                        if full_days > 1000:
                            raise RuntimeError(
                                f"no ID numbers left for {'men' if male else 'women'} of {home} "
                                f"born in {born_between[0]}–{born_between[1]}"
                            )
                        continue
                    seq = found
                used_masks[key] = used | 1 << seq
                break
            birth, ymd, date_sum = dates.get(birth_ord) or date_of(birth_ord)
            id_number = home + ymd + seq_text[seq] + _CHECK[(region_sums[home] + date_sum + _SEQ_SUMS[seq]) % 11]
            year = birth.year

            levels = education[(category, 0 if year < 1975 else 1 if year < 1990 else 2)]
            edu = levels[int(rand() * len(levels))]
            while birth_ord > edu_latest[edu] and edu > 1:
                edu = EDU_DOWN[edu]

            pool = skills["新就业形态" if new_form else category]
            skill = pool[int(rand() * len(pool))]
            while birth_ord > skill_latest[skill]:
                skill = SKILL_DOWN[skill]

            u = rand()
            party = PARTY_SHARE[category]
            if u < party and birth_ord <= adult:
                political = "中共预备党员" if u < party * 0.04 else "中共党员"
            elif birth_ord > league and rand() < LEAGUE_SHARE:
                political = "共青团员"
            else:
                political = "其他" if rand() < 0.003 else "群众"

            migrant = home != region or rand() < LOCAL_MIGRANT_SHARE[category]

            # 入会: after starting work, rarely before 1985, more often in recent years.
            lo = birth_ord + edu_start[edu]
            lo = _EPOCH_1985 if lo < _EPOCH_1985 else today_ord if lo > today_ord else lo
            u = rand()
            joined_ord = lo + int((today_ord - lo) * (1.0 - u * u))
            joined = (dates.get(joined_ord) or date_of(joined_ord))[0]

            surname = surnames[int(rand() * n_surnames)]
            if year >= 1975 and rand() < RARE_GIVEN_SHARE:
                names = rare[male]
                name = surname + names[int(rand() * len(names))]
            else:
                names = given[(male, rand() < (year - 1968) / 22.0)]  # old names before 1968
                name = surname + names[int(rand() * len(names))]

            factory._count += 1
            card = (factory._count * 7_654_321 + card_offset) % 100_000_000

            # A frozen dataclass's __init__ sets each field with object.__setattr__ (3 µs);
            # filling __dict__ at once gives the same object four times faster.
            person = _new(Person)
            _set(
                person,
                "__dict__",
                {
                    "name": name,
                    "sex": "男" if male else "女",
                    "birth_date": birth,
                    "id_number": id_number,
                    "mobile": str(mobiles[int(rand() * n_mobiles)] + int(rand() * 1e8)),
                    "ethnicity": ethnic[int(rand() * n_ethnic)],
                    "political_status": political,
                    "education": EDUCATION_LEVELS[edu],
                    "job_category": category,
                    "occupation": occupation,
                    "skill_level": skill,
                    "new_form_group": new_form,
                    "migrant": migrant,
                    "joined_on": joined,
                    "card_number": str(card_base + card),
                },
            )
            return person

        return make


# ---------------------------------------------------------------- contacts of organisations

_CONTACT_SURNAMES = (
    "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹常武乔贺樊胥"
)
_CONTACT_GIVEN = "建国军华明伟芳秀英敏静丽强磊洋艳勇杰娟涛超霞平刚桂兰红梅玉凤志宏海波春燕晓东亮鹏飞文博浩宇辉成新永德"


def contact_name(rng: random.Random) -> str:
    """A contact person's name for a generated organisation (drawn from `rng`, not a registry person)."""
    return rng.choice(_CONTACT_SURNAMES) + "".join(rng.choice(_CONTACT_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def contact_mobile(rng: random.Random) -> str:
    """A mobile number with a real operator prefix and random digits: it may exist, never call it."""
    return "1" + rng.choice("3578") + rng.choice("0123456789") + f"{rng.randrange(10**8):08d}"
