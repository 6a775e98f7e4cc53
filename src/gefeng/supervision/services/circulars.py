"""通报: the units' progress and reporting timeliness, with the laggards named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from gefeng.core import actors, audit
from gefeng.orgs.models import OrgNode
from gefeng.reform import selectors as reform_selectors
from gefeng.reform.models import Plan
from gefeng.supervision import circular
from gefeng.supervision.models import (
    Circular,
)
from gefeng.supervision.services._common import (
    Errors,
    _date,
    _next_seq,
    _require_manage,
    _text,
    laggard_min_on_time,
)

# ---------------------------------------------------------------- circulars


def circular_rows(actor: Any, plan: Plan, *, as_of: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every unit's progress and reporting timeliness on `as_of`, and the laggards with reasons.

    A unit is named a laggard when it has an overdue item, a report owed and never sent, or
    fewer reports on time than `GEFENG_SUPERVISION_LAGGARD_ON_TIME` (default 80 %).

    Source: 徐政发〔2020〕3号 季度督查通报; the threshold is local (`GEFENG_SUPERVISION_LAGGARD_ON_TIME`).
    """
    progress = reform_selectors.unit_progress(actor, plan, on=as_of)
    stats = reform_selectors.unit_report_stats(actor, plan, until=as_of)
    units = {u.pk: u for u in OrgNode.objects.filter(pk__in=set(progress) | set(stats)).order_by("path")}
    threshold = laggard_min_on_time()
    rows: list[dict[str, Any]] = []
    laggards: list[dict[str, Any]] = []
    for no, (pk, unit) in enumerate(units.items(), start=1):
        p = progress.get(pk, {})
        s = stats.get(pk, {})
        due, on_time = int(s.get("due", 0)), int(s.get("on_time", 0))
        rate = on_time / due if due else None
        row = {
            "no": no,
            "unit_id": pk,
            "name": unit.short_name or unit.name,
            "n_items": int(p.get("items", 0)),
            "completed": int(p.get("completed", 0)),
            "lagging": int(p.get("lagging", 0)),
            "overdue": int(p.get("overdue", 0)),
            "completion": circular.percent(float(p.get("completion", 0.0))),
            "due": due,
            "on_time": on_time,
            "late": int(s.get("late", 0)),
            "missing": int(s.get("missing", 0)),
            "timeliness": circular.percent(rate),
        }
        rows.append(row)
        reasons = []
        if row["overdue"]:
            reasons.append(f"{row['overdue']} 个项目逾期未完成")
        if row["lagging"]:
            reasons.append(f"{row['lagging']} 个项目进度滞后")
        if row["missing"]:
            reasons.append(f"{row['missing']} 次应报未报")
        if rate is not None and Decimal(str(rate)) < threshold:
            reasons.append(f"按时报送率 {circular.percent(rate)}")
        if row["overdue"] or row["missing"] or (rate is not None and Decimal(str(rate)) < threshold):
            laggards.append({"unit_id": pk, "name": row["name"], "reasons": "，".join(reasons)})
    return rows, laggards


def circular_context(circ: Circular) -> dict[str, Any]:
    laggard_text = [f"{lag['name']}：{lag['reasons']}。" for lag in circ.laggards] or [
        "截至统计日，各成员单位均按时报送，未发现逾期和漏报情况。"
    ]
    if circ.laggards:
        names = "、".join(lag["name"] for lag in circ.laggards)
        laggard_text.insert(0, f"以下 {len(circ.laggards)} 家单位进度滞后或报送不及时，予以通报：{names}。")
    return {
        "office": circular.office_name(),
        "number": circ.number,
        "title": circ.title,
        "addressee": "各成员单位：",
        "intro": circular.paragraphs(circ.intro),
        "table_note": f"截至{circular.chinese_date(circ.as_of)}，各成员单位承担的重点工作项目推进和进展报送情况如下：",
        "rows": circ.rows,
        "laggard_text": laggard_text,
        "requirements": circular.paragraphs(circ.requirements),
        "date": circular.chinese_date(circ.issued_on),
    }


def circular_create(*, actor: Any, plan: Plan, data: dict[str, Any]) -> Circular:
    """Issue a circular: number it, compute the table, name the laggards, store the .docx.

    Source: 徐政发〔2020〕3号 季度督查通报; numbered 〈`GEFENG_SUPERVISION_DOC_PREFIX`〉〔年〕n号 (GB/T 9704-2012).
    """
    _require_manage(actor, plan)
    errors = Errors()
    title = _text(errors, data, "title", "标题", max_len=200)
    as_of = _date(errors, data, "as_of", "统计截至日期")
    issued_on = _date(errors, data, "issued_on", "成文日期")
    intro = _text(errors, data, "intro", "导语", required=False)
    requirements = _text(errors, data, "requirements", "工作要求", required=False)
    if as_of and issued_on and as_of > issued_on:
        errors.add("as_of", "统计截至日期不能晚于成文日期。")
    if as_of and as_of.year != plan.year:
        errors.add("as_of", f"统计截至日期应在 {plan.year} 年内。")
    errors.raise_if_any()
    assert as_of is not None and issued_on is not None
    rows, laggards = circular_rows(actor, plan, as_of=as_of)
    if not rows:
        raise ValidationError({"__all__": ["该年度计划还没有分工到单位的项目，无法生成通报。"]})
    with transaction.atomic():
        seq = _next_seq(Circular.objects.select_for_update().filter(plan=plan))
        circ = Circular(
            plan=plan,
            seq=seq,
            number=f"{circular.doc_prefix()}〔{plan.year}〕{seq}号",
            title=title,
            as_of=as_of,
            issued_on=issued_on,
            intro=intro,
            requirements=requirements,
            rows=rows,
            laggards=laggards,
            created_by=actors.user_of(actor),
        )
        content = circular.render(circular_context(circ))
        circ.file.save(f"{plan.year}-{seq}.docx", ContentFile(content), save=False)
        circ.save()
        audit.record(
            actor=actor,
            action="supervision.circular.issued",
            obj=circ,
            changes={"number": circ.number, "as_of": as_of, "laggards": [lag["name"] for lag in laggards]},
        )
    return circ
