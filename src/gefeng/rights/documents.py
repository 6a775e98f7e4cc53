"""The mediation agreement (调解协议书) as a Word document staff can edit and print: parties, the
facts, what was agreed, and the fields for the parties' and the mediator's signatures and the
committee's seal (劳动争议调解仲裁法 §14). Built with python-docx; nothing binary in the code."""

from __future__ import annotations

import io

from gefeng.rights import clocks
from gefeng.rights.models import Case

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def agreement_docx(case: Case) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(14)
    committee = case.committee.name if case.committee else "劳动争议调解委员会"
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{committee}\n调解协议书")
    run.bold, run.font.size = True, Pt(20)
    no = doc.add_paragraph(case.number)
    no.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(
        f"申请人：{case.applicant_name}"
        + (f"（等 {case.worker_count} 名职工，代表：{case.representatives}）" if case.is_group else "")
    )
    doc.add_paragraph(f"被申请人（用人单位）：{case.employer_name}")
    doc.add_paragraph(f"申请日期：{_cn_date(case.applied_on)}")
    doc.add_paragraph("争议事实与请求：")
    doc.add_paragraph(case.facts or "")
    doc.add_paragraph("经调解，双方自愿达成如下协议：")
    doc.add_paragraph(case.agreement_text or "")
    if case.agreement_amount is not None:
        doc.add_paragraph(f"协议金额：人民币 {case.agreement_amount:,.2f} 元。")
    doc.add_paragraph(
        f"本协议书自双方当事人签名或者盖章、经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，"
        f"当事人应当履行（{clocks.AGREEMENT_ARTICLE}）。因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，"
        f"用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令（《劳动争议调解仲裁法》第十六条）。"
    )
    doc.add_paragraph("")
    doc.add_paragraph("申请人（签名）：________________        被申请人（盖章）：________________")
    doc.add_paragraph("调解员（签名）：________________")
    seal = doc.add_paragraph(f"{committee}（印章）\n{_cn_date(case.closed_on)}")
    seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("本协议书一式三份，双方当事人和调解组织各执一份。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
