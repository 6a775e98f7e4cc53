"""Documents of 引领聚魂 as editable Word files: the round's 通报 (学习督导) in the county's
document layout — the layout of the 工作通报 of the supervision app (GB/T 9704 党政机关公文格式,
simplified: the red issuing-office header, the document number above a red rule, the title,
the addressees, the body with the rates table, the top and lagging units named, the
requirements, the signature and the date) — and a contest's certificate (荣誉证书)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from gefeng.learning import conf, selectors
from gefeng.learning.models import Attempt, Round

RED = RGBColor(0xC0, 0x00, 0x00)
COLUMNS = ("序号", "单位", "应学人数", "参学人数", "参学率", "平均分")


def chinese_date(day: dt.date) -> str:
    """The date of a signature in Arabic numerals (GB/T 9704-2012 §7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _font(run: Any, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _para(
    doc: Any,
    text: str,
    *,
    font: str = "仿宋_GB2312",
    size: float = 16,
    align: Any = None,
    indent: bool = False,
    **kw: Any,
) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(28)
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    _font(p.add_run(text), font, size, **kw)
    return p


def _red_rule(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def circular_context(rnd: Round) -> dict[str, Any]:
    campaign = rnd.campaign
    towns = selectors.unit_rates(rnd, selectors.TOWN)
    unions = selectors.unit_rates(rnd, selectors.UNION)
    named = conf.get("LEARNING_CIRCULAR_NAMED")
    top = [u for u in unions if u["participants"]][:named]
    lag = selectors.lagging(unions)[:named]
    return {
        "office": str(conf.get("LEARNING_OFFICE_NAME")),
        "number": rnd.doc_number or f"{conf.get('LEARNING_DOC_PREFIX')}〔{rnd.as_of.year}〕{rnd.number}号",
        "title": f"关于{campaign.name}第{rnd.number}期学习情况的通报",
        "intro": (
            f"按照学习督导制度，现将{campaign.name}第{rnd.number}期（统计日期{chinese_date(rnd.as_of)}）"
            f"学习情况通报如下。本期应学人数 {rnd.target_count} 人（按会员名册统计），参学 {rnd.participants} 人，"
            f"参学率 {percent(rnd.rate)}，平均得分 {'—' if rnd.average is None else f'{rnd.average:.1f}'} 分。"
        ),
        "towns": towns,
        "top": top,
        "lagging": lag,
        "lag_rate": conf.get("LEARNING_LAGGING_RATE"),
        "date": chinese_date(rnd.circulated_at.date() if rnd.circulated_at else rnd.as_of),
    }


def _table(doc: Any, rows: list[dict[str, Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), "黑体", 10.5)
    for i, r in enumerate(rows, 1):
        avg = "—" if r["average"] is None else f"{r['average']:.1f}"
        for cell, text in zip(
            table.add_row().cells,
            (str(i), r["name"], str(r["target"]), str(r["participants"]), percent(r["rate"]), avg),
            strict=True,
        ):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 10.5)


def circular_docx(rnd: Round) -> bytes:
    ctx = circular_context(rnd)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    header = _para(doc, ctx["office"], font="方正小标宋简体", size=26, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    header.paragraph_format.line_spacing = Pt(40)
    number = _para(doc, ctx["number"], align=WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.space_before = Pt(12)
    _red_rule(number)
    _para(doc, "", size=12)
    _para(doc, ctx["title"], font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "", size=12)
    _para(doc, "各镇（街道、园区）工会、县各成员单位、各基层工会：")
    _para(doc, ctx["intro"], indent=True)
    _para(doc, "一、各镇（街道、园区）及成员单位参学情况", font="黑体", indent=True)
    _table(doc, ctx["towns"])
    _para(doc, "二、表现突出的单位", font="黑体", indent=True)
    if ctx["top"]:
        text = "、".join(f"{r['name']}（参学率{percent(r['rate'])}）" for r in ctx["top"])
        _para(doc, f"{text}参学率高、答题分值高，予以通报表扬。", indent=True)
    else:
        _para(doc, "本期暂无。", indent=True)
    _para(doc, "三、需要加强的单位", font="黑体", indent=True)
    if ctx["lagging"]:
        text = "、".join(f"{r['name']}（参学率{percent(r['rate'])}）" for r in ctx["lagging"])
        _para(doc, f"{text}参学率低于{ctx['lag_rate']}%，请认真分析原因，督促职工按时参学。", indent=True)
    else:
        _para(doc, f"本期各单位参学率均达到{ctx['lag_rate']}%以上。", indent=True)
    _para(doc, "四、下一步工作要求", font="黑体", indent=True)
    _para(doc, "各单位要落实学习督导制度，逐级压实责任，提升参学率和答题分值，确保学习全覆盖。", indent=True)
    _para(doc, "", size=12)
    sign = _para(doc, ctx["office"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(32)
    date = _para(doc, ctx["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(64)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def certificate_docx(attempt: Attempt, rank: int) -> bytes:
    """A winner's certificate (荣誉证书), landscape A4, editable."""
    contest = attempt.contest
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(3))
    _para(doc, "荣 誉 证 书", font="方正小标宋简体", size=36, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    _para(doc, "", size=16)
    _para(doc, f"{attempt.member.name} 同志：", size=20)
    _para(
        doc,
        f"在{contest.org.name}举办的“{contest.title}”中，成绩 {attempt.score} 分，名列第 {rank} 名，特发此证，以资鼓励。",  # noqa: E501
        size=20,
        indent=True,
    )
    _para(doc, "", size=16)
    _para(doc, contest.org.name, size=18, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, chinese_date(contest.ends_at.date()), size=18, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
