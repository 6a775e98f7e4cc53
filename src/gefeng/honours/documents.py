"""Documents of a campaign: the public notice (公示, .docx) and the certificates (荣誉证书, PDF).

The notice is rendered with docxtpl from a template: the county's own template when it puts one at
`GEFENG_HONOURS_NOTICE_TEMPLATE` (a .docx with the same placeholders), else the built-in one,
generated with python-docx by `build_notice_template()` (nothing binary is kept in the code).

Certificates are HTML rendered to one PDF by WeasyPrint with a Chinese font embedded. The font is
found through fontconfig: the first family of `GEFENG_HONOURS_PDF_FONTS` (default "Noto Serif CJK
SC, Noto Sans CJK SC") that `fc-list :lang=zh` knows, else any Chinese family it knows. Without a
Chinese font the PDF is refused with a message — never printed as empty boxes (豆腐块).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from gefeng.honours.models import Campaign, Honour

DEFAULT_FONTS = "Noto Serif CJK SC, Noto Sans CJK SC"
MAX_CERTIFICATES = 1000


class DocumentError(Exception):
    """A document cannot be made (the message is for the user, in Chinese)."""


# ---------------------------------------------------------------------------------------------
# Fonts


@lru_cache(maxsize=1)
def _zh_families() -> tuple[str, ...]:
    """Font families fontconfig can use for Chinese (empty when none, or no fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments, no user input
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families: list[str] = []
    for line in out.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and name not in families:
                families.append(name)
    return tuple(sorted(families))


def preferred_fonts() -> list[str]:
    value = getattr(settings, "HONOURS_PDF_FONTS", DEFAULT_FONTS)
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def cjk_font(available: Sequence[str] | None = None) -> str | None:
    """The Chinese font family certificates use, or None when the machine has none."""
    families = list(_zh_families() if available is None else available)
    if not families:
        return None
    for name in preferred_fonts():
        if name in families:
            return name
    # Prefer a Simplified Chinese face among what is there.
    for name in families:
        if name.endswith(" SC") or "Hei" in name or "Song" in name:
            return name
    return families[0]


NO_FONT = (
    "本机没有可用的中文字体，无法生成证书（否则文字会显示为方块）。"
    "请服务器管理员运行 scripts/install-fonts 安装 Noto CJK 字体后重试。"
)


def certificates_pdf(honours: Sequence[Honour], *, font: str | None = None) -> bytes:
    """One PDF with a certificate per honour (A4 landscape), the Chinese font embedded."""
    if not honours:
        raise DocumentError("没有可打印证书的荣誉记录。")
    if len(honours) > MAX_CERTIFICATES:
        raise DocumentError(f"一次最多生成 {MAX_CERTIFICATES} 张证书，请按奖项分批生成。")
    family = font if font is not None else cjk_font()
    if not family:
        raise DocumentError(NO_FONT)
    from weasyprint import HTML  # imported here: loading pango costs time at startup

    html = render_to_string(
        "honours/certificate_print.html",
        {"honours": honours, "font": family.replace('"', "")},
    )
    return HTML(string=html).write_pdf()


# ---------------------------------------------------------------------------------------------
# The notice (.docx)


def build_notice_template() -> bytes:
    """The built-in notice template, made with python-docx; docxtpl fills its placeholders."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(14)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("{{ title }}")
    run.bold = True
    run.font.size = Pt(20)
    run.font.name = "宋体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.add_paragraph("{{ intro }}").paragraph_format.first_line_indent = Pt(28)
    doc.add_paragraph("{{ period }}").paragraph_format.first_line_indent = Pt(28)
    doc.add_paragraph("{{ contact }}").paragraph_format.first_line_indent = Pt(28)
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "荣誉", "姓名或名称", "工作单位", "职务或岗位"), strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for r in rows %}"
    for cell, text in zip(
        table.rows[2].cells,
        ("{{ r.no }}", "{{ r.award }}", "{{ r.name }}", "{{ r.unit }}", "{{ r.post }}"),
        strict=True,
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    signature = doc.add_paragraph("{{ issuer }}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    dated = doc.add_paragraph("{{ dated }}")
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _template_source() -> Any:
    custom = getattr(settings, "HONOURS_NOTICE_TEMPLATE", "")
    if custom and Path(custom).is_file():
        return str(custom)
    return io.BytesIO(build_notice_template())


def _cn_date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def notice_context(campaign: Campaign, rows: list[dict[str, Any]]) -> dict[str, Any]:
    starts, ends = campaign.notice_starts_on, campaign.notice_ends_on
    awards: dict[str, int] = {}
    for r in rows:
        awards[r["award"]] = awards.get(r["award"], 0) + 1
    summary = "、".join(f"{title} {n} 名（个）" for title, n in awards.items())
    return {
        "title": f"关于{campaign.name}拟表彰对象的公示",
        "intro": (
            f"经基层推荐、逐级审核，{campaign.issuer}拟确定以下对象为{campaign.name}表彰对象（{summary}），现予以公示。"
        ),
        "period": f"公示期为{_cn_date(starts)}至{_cn_date(ends)}（{campaign.notice_days}天）。",
        "contact": (
            f"公示期间，对公示对象有异议的，请以书面或电话等方式向{campaign.issuer}反映。"
            "反映情况应实事求是，以单位名义反映的请加盖公章，以个人名义反映的请署真实姓名。"
        ),
        "rows": [r | {"no": str(i)} for i, r in enumerate(rows, start=1)],
        "issuer": campaign.issuer,
        "dated": _cn_date(starts),
    }


def notice_docx(campaign: Campaign, rows: list[dict[str, Any]]) -> bytes:
    """The public notice as a Word document (only award, name, unit and post of each nominee)."""
    from docxtpl import DocxTemplate

    if campaign.notice_starts_on is None:
        raise DocumentError("公示尚未开始，不能生成公示文件。")
    template = DocxTemplate(_template_source())
    template.render(notice_context(campaign, rows), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
