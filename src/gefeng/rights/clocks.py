"""The statutory numbers of 维权 and the clocks computed from them. Each number is enforced in
code (no setting changes it) and carries the article it comes from, which the pages show.

集体合同规定 (劳动和社会保障部令第22号, 2004): §19 sides, §23 experts, §24 no shared negotiator,
§31 vacancy, §32 要约 reply, §33 recorder, §36 congress vote, §38 term and renewal, §42 filing,
§45/§47 review (also 劳动合同法 §54). 工资集体协商试行办法 (2000): data 5 days before talks.
劳动争议调解仲裁法 (2007): §7 group disputes, §10 committees, §14 mediation, §27 limitation,
§29 acceptance, §43 award, §47 final awards.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# ---------------------------------------------------------------- 集体合同规定


@dataclass(frozen=True)
class Statute:
    days: int
    article: str


MIN_SIDE = 3  # §19: at least 3 negotiators on each side, equal numbers, one chief each
SIDE_ARTICLE = "《集体合同规定》第十九条"
EXPERT_SHARE = Fraction(1, 3)  # §23: outside experts ≤ ⅓ of the side; the chief is no outsider
EXPERT_ARTICLE = "《集体合同规定》第二十三条"
SHARED_ARTICLE = "《集体合同规定》第二十四条"
RECORDER_ARTICLE = "《集体合同规定》第三十三条"
VACANCY = Statute(15, "《集体合同规定》第三十一条")
REPLY = Statute(20, "《集体合同规定》第三十二条")
WAGE_DATA = Statute(5, "《工资集体协商试行办法》")  # data provided 5 days before wage talks
FILING = Statute(10, "《集体合同规定》第四十二条")
REVIEW = Statute(15, "《集体合同规定》第四十七条、《劳动合同法》第五十四条")
VOTE_PRESENT = Fraction(2, 3)  # §36: ≥ ⅔ present, and more than half of ALL representatives agree
VOTE_ARTICLE = "《集体合同规定》第三十六条"
TERM_MIN_MONTHS, TERM_MAX_MONTHS = 12, 36  # §38: 1–3 years
RENEWAL_MONTHS = 3  # §38: renewal may be requested in the 3 months before expiry
TERM_ARTICLE = "《集体合同规定》第三十八条"
REGIONAL_ARTICLE = "《劳动合同法》第五十三条"

# ---------------------------------------------------------------- 劳动争议调解仲裁法

GROUP_MIN = 10  # §7: ≥ 10 workers with a common claim elect representatives
GROUP_ARTICLE = "《劳动争议调解仲裁法》第七条"
COMMITTEE_ARTICLE = "《劳动争议调解仲裁法》第十条"
MEDIATION = Statute(15, "《劳动争议调解仲裁法》第十四条")
AGREEMENT_ARTICLE = "《劳动争议调解仲裁法》第十四条"
LIMITATION_YEARS = 1
LIMITATION_ARTICLE = "《劳动争议调解仲裁法》第二十七条"
ACCEPTANCE = Statute(5, "《劳动争议调解仲裁法》第二十九条")
AWARD = Statute(45, "《劳动争议调解仲裁法》第四十三条")
AWARD_EXTENSION_MAX = 15  # §43: extendable once, by at most 15 days
FINAL_MONTHS = 12  # §47: claims up to 12 months of the local minimum wage are final for the employer
FINAL_ARTICLE = "《劳动争议调解仲裁法》第四十七条"


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_days(day: dt.date | None, days: int) -> dt.date | None:
    return day + dt.timedelta(days=days) if day else None


def term_end(start: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` starting on `start` (inclusive)."""
    return add_months(start, months) - dt.timedelta(days=1)


def renewal_from(end: dt.date) -> dt.date:
    """The first day renewal may be requested: 3 months before expiry (集体合同规定 §38)."""
    return add_months(end, -RENEWAL_MONTHS) + dt.timedelta(days=1)


def team_problems(sides: dict[str, list[dict]], recorder: str = "") -> list[str]:
    """What is wrong with the two negotiating teams, each message naming its article.

    `sides` maps "worker"/"employer" → active negotiators ({"name", "chief", "expert", "key"}).
    集体合同规定 §19 (equal numbers ≥ 3, one chief each), §23 (experts ≤ ⅓ of the side, the
    chief not an outsider), §24 (no shared negotiator), §33 (the recorder is no negotiator)."""
    out: list[str] = []
    worker, employer = sides.get("worker", []), sides.get("employer", [])
    if len(worker) != len(employer):
        out.append(
            f"双方协商代表人数应当对等（职工方 {len(worker)} 人、用人单位方 {len(employer)} 人）（{SIDE_ARTICLE}）。"
        )
    for label, team in (("职工方", worker), ("用人单位方", employer)):
        if len(team) < MIN_SIDE:
            out.append(f"{label}协商代表不少于 {MIN_SIDE} 人（现有 {len(team)} 人）（{SIDE_ARTICLE}）。")
        chiefs = [n for n in team if n["chief"]]
        if len(chiefs) != 1:
            out.append(f"{label}应当有且只有 1 名首席代表（现有 {len(chiefs)} 名）（{SIDE_ARTICLE}）。")
        if any(n["chief"] and n["expert"] for n in team):
            out.append(f"{label}首席代表不得由外聘人员担任（{EXPERT_ARTICLE}）。")
        experts = sum(1 for n in team if n["expert"])
        if team and Fraction(experts, len(team)) > EXPERT_SHARE:
            out.append(f"{label}外聘代表 {experts} 人，超过本方代表的三分之一（{EXPERT_ARTICLE}）。")
    shared = {n["key"] for n in worker} & {n["key"] for n in employer}
    if shared:
        out.append(f"协商代表不得同时代表双方：{'、'.join(sorted(shared))}（{SHARED_ARTICLE}）。")
    names = {n["key"] for n in worker} | {n["key"] for n in employer}
    if not recorder:
        out.append(f"请指定一名非协商代表的记录员（{RECORDER_ARTICLE}）。")
    elif recorder in names:
        out.append(f"记录员应由非协商代表担任（{RECORDER_ARTICLE}）。")
    return out


def vote_problems(total: int, present: int, votes_for: int) -> list[str]:
    """集体合同规定 §36: ≥ ⅔ of all representatives present, and more than half of ALL agree."""
    out: list[str] = []
    if total <= 0:
        return ["请填写职工代表（或全体职工）总人数。"]
    if present > total or votes_for > present or present < 0 or votes_for < 0:
        return ["出席人数不能超过总人数，同意票不能超过出席人数。"]
    if Fraction(present, total) < VOTE_PRESENT:
        out.append(f"出席 {present} 人，不足全体 {total} 人的三分之二，表决无效（{VOTE_ARTICLE}）。")
    if votes_for * 2 <= total:
        out.append(f"同意 {votes_for} 人，未超过全体 {total} 人的半数，草案未获通过（{VOTE_ARTICLE}）。")
    return out


# ---------------------------------------------------------------- limitation (§27)


@dataclass(frozen=True)
class LimitationEvent:
    kind: str  # "interrupt" | "suspend" | "resume"
    on: dt.date


def limitation_until(
    knew_on: dt.date | None,
    events: Iterable[LimitationEvent] = (),
    *,
    wage_arrears: bool = False,
    employment_ended_on: dt.date | None = None,
) -> dt.date | None:
    """The last day to apply for arbitration (劳动争议调解仲裁法 §27).

    One year from the day the worker knew or should have known. An interruption (a demand on the
    employer, a request for help, the employer's promise to pay) restarts the year from that day;
    a suspension (force majeure or other just cause) stops the clock until it resumes, and the
    suspended days are added. Wage arrears while the employment lasts have no limit (None),
    but must be claimed within one year after the employment ends."""
    if wage_arrears:
        if employment_ended_on is None:
            return None
        knew_on = max(knew_on, employment_ended_on) if knew_on else employment_ended_on
    if knew_on is None:
        return None
    start = knew_on
    suspended = 0
    open_suspension: dt.date | None = None
    for ev in sorted(events, key=lambda e: e.on):
        if ev.kind == "interrupt" and open_suspension is None:
            start, suspended = max(start, ev.on), 0
        elif ev.kind == "suspend" and open_suspension is None:
            open_suspension = ev.on
        elif ev.kind == "resume" and open_suspension is not None:
            suspended += (ev.on - open_suspension).days
            open_suspension = None
    end = add_months(start, 12 * LIMITATION_YEARS) - dt.timedelta(days=1)
    if open_suspension is not None:
        return None  # still suspended: the clock does not run
    return end + dt.timedelta(days=suspended)


def final_award_limit(minimum_wage_monthly: int) -> Decimal:
    """Claims up to this amount are final for the employer (劳动争议调解仲裁法 §47(一))."""
    return Decimal(minimum_wage_monthly) * FINAL_MONTHS


# ---------------------------------------------------------------- shown clocks


@dataclass(frozen=True)
class Clock:
    """One statutory deadline as a page shows it."""

    label: str
    article: str
    start: dt.date | None
    due: dt.date | None
    done_on: dt.date | None = None
    note: str = ""

    def state(self, today: dt.date) -> str:
        if self.done_on is not None:
            return "late" if self.due and self.done_on > self.due else "done"
        if self.due is None:
            return "waiting"
        return "overdue" if today > self.due else "running"

    def days_left(self, today: dt.date) -> int | None:
        if self.done_on is not None or self.due is None:
            return None
        return (self.due - today).days


STATE_LABELS = {"done": "已按期完成", "late": "逾期完成", "waiting": "未开始", "overdue": "已逾期", "running": "进行中"}


def present(clocks: Iterable[Clock], today: dt.date) -> list[dict]:
    """Rows for a clock table: label, article, dates, state and days left."""
    out = []
    for c in clocks:
        st = c.state(today)
        out.append(
            {
                "label": c.label,
                "article": c.article,
                "start": c.start,
                "due": c.due,
                "done_on": c.done_on,
                "state": st,
                "state_label": STATE_LABELS[st],
                "days_left": c.days_left(today),
                "note": c.note,
            }
        )
    return out
