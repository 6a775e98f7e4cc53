"""The circular (通报) as an editable Word document, in the layout of a county office's paper
(GB/T 9704 党政机关公文格式, simplified): the red issuing-office header, the document number
(文号) under it above a red rule, the title, the addressees, the body with a table of every
unit's reporting timeliness and progress, the laggards named, the requirements, and the
signature (落款) with the date in Chinese.

The template is a .docx with docxtpl (Jinja) tags. `build_template()` draws it with python-docx;
it is built at first use under `DATA_DIR/supervision/` (nothing binary in the repository). A
county that wants its own letterhead points `GEFENG_SUPERVISION_CIRCULAR_TEMPLATE` at a .docx
of its own that uses the same tags (see docs/supervision.md).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docxtpl import DocxTemplate

TEMPLATE_VERSION = 1
RED = RGBColor(0xC0, 0x00, 0x00)
COLUMNS = (
    "序号",
    "单位",
    "承担项目",
    "已完成",
    "滞后",
    "逾期",
    "完成率",
    "应报",
    "按时",
    "迟报",
    "未报",
    "及时率",
)
ROW_TAGS = (
    "{{ r.no }}",
    "{{ r.name }}",
    "{{ r.n_items }}",
    "{{ r.completed }}",
    "{{ r.lagging }}",
    "{{ r.overdue }}",
    "{{ r.completion }}",
    "{{ r.due }}",
    "{{ r.on_time }}",
    "{{ r.late }}",
    "{{ r.missing }}",
    "{{ r.timeliness }}",
)
_DIGITS = "〇一二三四五六七八九"


def office_name() -> str:
    return str(getattr(settings, "SUPERVISION_OFFICE_NAME", "沛县产业工人队伍建设改革工作联席会议办公室"))


def doc_prefix() -> str:
    return str(getattr(settings, "SUPERVISION_DOC_PREFIX", "沛产改办"))


def chinese_date(day: dt.date) -> str:
    """2021年7月5日 — the date of a document's signature in Arabic numerals (GB/T 9704-2012 §7.3.5.1)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _font(run: Any, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _para(doc: Any, text: str, *, font: str = "仿宋_GB2312", size: float = 16, align: Any = None, **kw: Any) -> Any:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(28)
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


def build_template(path: Path) -> Path:
    """Draw the circular's template with its docxtpl tags and save it at `path`."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    header = _para(doc, "{{ office }}", font="方正小标宋简体", size=26, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    header.paragraph_format.line_spacing = Pt(40)
    number = _para(doc, "{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    number.paragraph_format.space_before = Pt(12)
    _red_rule(number)
    _para(doc, "", size=12)
    _para(doc, "{{ title }}", font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "", size=12)
    _para(doc, "{{ addressee }}")
    for tag in ("{%p for text in intro %}", "{{ text }}", "{%p endfor %}"):
        p = _para(doc, tag)
        p.paragraph_format.first_line_indent = Pt(32)
    _para(doc, "一、各单位报送及时情况和工作进展", font="黑体").paragraph_format.first_line_indent = Pt(32)
    _para(doc, "{{ table_note }}").paragraph_format.first_line_indent = Pt(32)

    table = doc.add_table(rows=3, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells, texts in (
        (table.rows[0].cells, COLUMNS),
        (table.rows[1].cells, ("{%tr for r in rows %}",) + ("",) * (len(COLUMNS) - 1)),
        (table.rows[2].cells, ROW_TAGS),
    ):
        for cell, text in zip(cells, texts, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 10.5, bold=text in COLUMNS)
    end = table.add_row()
    _font(end.cells[0].paragraphs[0].add_run("{%tr endfor %}"), "仿宋_GB2312", 10.5)

    _para(doc, "二、需要加快进度的单位", font="黑体").paragraph_format.first_line_indent = Pt(32)
    for tag in ("{%p for text in laggard_text %}", "{{ text }}", "{%p endfor %}"):
        _para(doc, tag).paragraph_format.first_line_indent = Pt(32)
    _para(doc, "三、下一步工作要求", font="黑体").paragraph_format.first_line_indent = Pt(32)
    for tag in ("{%p for text in requirements %}", "{{ text }}", "{%p endfor %}"):
        _para(doc, tag).paragraph_format.first_line_indent = Pt(32)
    _para(doc, "", size=12)
    _para(doc, "", size=12)
    sign = _para(doc, "{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    sign.paragraph_format.right_indent = Pt(32)
    date = _para(doc, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(64)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    doc.save(str(partial))
    os.replace(partial, path)  # two workers building at once never leave a half-written file
    return path


def template_path() -> Path:
    custom = getattr(settings, "SUPERVISION_CIRCULAR_TEMPLATE", "")
    if custom:
        return Path(custom)
    path = Path(settings.DATA_DIR) / "supervision" / f"circular-template-v{TEMPLATE_VERSION}.docx"
    if not path.exists():
        build_template(path)
    return path


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def render(context: dict[str, Any]) -> bytes:
    """The circular as .docx bytes from a context made by `services.circular_context`."""
    doc = DocxTemplate(str(template_path()))
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
