"""Documents: the 师徒协议书 (.docx) and the competition certificates (PDF, A4 landscape)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.template.loader import render_to_string

from gefeng.skills.models import Entry, Pair

MAX_CERTIFICATES = 500


class DocumentError(Exception):
    """A document that cannot be made (no Chinese font, nothing to print): the message says why."""


def agreement_docx(pair: Pair) -> bytes:
    """《师徒协议书》: the parties, the trade, the period, duties, plan, targets, the allowance, and
    the signatures (written agreement: rights and duties, teaching plan, targets)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("师徒协议书")
    run.bold, run.font.size = True, Pt(20)
    doc.add_paragraph(f"单位：{pair.org.name}")
    doc.add_paragraph(f"师傅（甲方）：{pair.master_name}        徒弟（乙方）：{pair.apprentice_name}")
    doc.add_paragraph(f"传授技艺（工种）：{pair.trade}")
    doc.add_paragraph(f"带徒期限：{pair.starts_on:%Y年%m月%d日} 至 {pair.ends_on:%Y年%m月%d日}")
    for heading, body in (
        ("一、双方职责", pair.duties),
        ("二、带徒计划", pair.plan),
        ("三、培养目标", pair.targets),
    ):
        p = doc.add_paragraph()
        p.add_run(heading).bold = True
        for line in body.splitlines() or [""]:
            doc.add_paragraph(line)
    p = doc.add_paragraph()
    p.add_run("四、待遇与考核").bold = True
    doc.add_paragraph(
        f"带徒期间，单位按月向师傅发放带徒津贴 {pair.allowance_monthly} 元；工会会同用人部门对徒弟进行阶段考核，"
        "期满组织出师考核。徒弟在结对之日起规定年限内在技能竞赛中获奖或晋升技师的，按规定奖励师傅。"
    )
    doc.add_paragraph("五、本协议一式三份，甲乙双方和单位工会各执一份，双方自愿签订，自签订之日起生效。")
    doc.add_paragraph("")
    doc.add_paragraph("甲方（签字）：                    乙方（签字）：")
    doc.add_paragraph("单位工会（盖章）：                日期：      年    月    日")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def certificates_pdf(entries: Sequence[Entry]) -> bytes:
    """One certificate per prize-winner, the Chinese font of the honours certificates embedded."""
    from gefeng.honours.documents import NO_FONT, cjk_font

    if not entries:
        raise DocumentError("还没有获奖选手（结果确认后才能打印证书）。")
    if len(entries) > MAX_CERTIFICATES:
        raise DocumentError(f"一次最多生成 {MAX_CERTIFICATES} 张证书。")
    family = cjk_font()
    if not family:
        raise DocumentError(NO_FONT)
    from weasyprint import HTML

    html = render_to_string("skills/certificate_print.html", {"entries": entries, "font": family.replace('"', "")})
    return HTML(string=html).write_pdf()
