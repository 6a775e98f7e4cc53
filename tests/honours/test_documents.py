"""The notice (.docx and the public page) shows only award, name, unit and post; certificates
are one PDF with a Chinese font embedded, or a clear refusal without one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from gefeng.core.actors import SYSTEM
from gefeng.core.validators import id_check_char
from gefeng.honours import documents, services
from gefeng.honours.models import Objection
from tests.honours.conftest import TODAY, join, nominate, open_campaign, shortlist

pytestmark = pytest.mark.django_db

ID_NUMBER = "32032219880101001" + id_check_char("32032219880101001")
PHONE = "13912345678"


@pytest.fixture
def notice(tree):
    from gefeng.members import services as members

    campaign, award = open_campaign(tree, name="沛县劳动模范评选")
    person = members.member_join(
        actor=SYSTEM,
        union=tree.xinge_union,
        data={"name": "周公示", "id_number": ID_NUMBER, "phone": PHONE, "joined_on": dt.date(2010, 1, 1)},
    )
    shortlist(nominate(campaign, award, tree.xinge, person, post="数控车工"))
    shortlist(nominate(campaign, award, tree.xinge, join(tree.xinge_union, "吴第二"), post="质检员"))
    return services.campaign_start_notice(actor=SYSTEM, campaign=campaign, starts_on=TODAY)


def test_notice_docx(notice, docx_text):
    rows = [
        {"pk": 1, "award": "沛县劳动模范", "name": "周公示", "unit": "徐州新格灌溉设备有限公司", "post": "数控车工"},
        {"pk": 2, "award": "沛县劳动模范", "name": "<吴&第二>", "unit": "新格", "post": ""},
    ]
    text = docx_text(documents.notice_docx(notice, rows))
    assert "关于沛县劳动模范评选拟表彰对象的公示" in text
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text and "（5天）" in text
    assert "1 | 沛县劳动模范 | 周公示 | 徐州新格灌溉设备有限公司 | 数控车工" in text
    assert "<吴&第二>" in text  # escaped in the XML, read back intact
    assert "{{" not in text and "{%" not in text


def test_notice_docx_download_and_public_page_show_nothing_personal(notice, login_as, client, docx_text):
    response = login_as("town").get(reverse("honours:campaign-notice-docx", args=[notice.pk]))
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "周公示" in text and "数控车工" in text and "吴第二" in text
    page = client.get(reverse("honours:notice-public", args=[notice.notice_token]))
    assert page.status_code == 200
    body = page.content.decode()
    for shown in ("周公示", "徐州新格灌溉设备有限公司", "数控车工", "沛县劳动模范"):
        assert shown in body
    for hidden in (ID_NUMBER, ID_NUMBER[-4:] + "\n", "1988", PHONE, PHONE[-4:], "一线工人", "男"):
        assert hidden not in body, hidden
    assert "扎根一线" not in body  # the deeds are not published here
    assert client.get(reverse("honours:notice-public", args=["x" * 32])).status_code == 404
    assert client.get(reverse("honours:notice-public", args=["short"])).status_code == 404


def test_public_objection_is_validated_and_rate_limited(notice, client, settings):
    cache.clear()
    settings.HONOURS_PUBLIC_OBJECTIONS_PER_HOUR = 2
    url = reverse("honours:notice-public", args=[notice.notice_token])
    bad = client.post(url, {"content": "短"})
    assert bad.status_code == 200 and "不少于 5 个字" in bad.content.decode()
    assert client.post(url, {"content": "该同志事迹材料与实际不符。", "nomination": "abc"}).status_code == 200
    for _i in range(2):
        ok = client.post(url, {"content": "该同志事迹材料与实际不符。", "contact": "张先生"})
        assert "已收到" in ok.content.decode()
    limited = client.post(url, {"content": "再次反映同一问题的内容。"})
    assert "提交过于频繁" in limited.content.decode()
    trap = client.post(url, {"content": "机器人提交的内容内容", "website": "http://spam"})
    assert trap.status_code == 200
    assert Objection.objects.filter(campaign=notice, channel="public").count() == 2
    obj = Objection.objects.filter(campaign=notice).first()
    assert obj.status == "open" and obj.recorded_by is None


def _pdf_fonts(reader: PdfReader) -> set[str]:
    fonts: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts.add(str(font.get("/BaseFont")))
            for desc in font.get("/DescendantFonts", []):
                desc = desc.get_object()
                descriptor = desc["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), "font not embedded"
                fonts.add(str(desc.get("/BaseFont")))
    return fonts


def test_certificates_pdf_embeds_a_cjk_font_and_the_names(tree):
    if documents.cjk_font() is None:
        pytest.skip("no CJK font on this machine: run scripts/install-fonts")
    a = join(tree.xinge_union, "欧阳证书")
    b = join(tree.xinge_union, "司马荣誉")
    honours = [
        services.honour_grant(
            actor=SYSTEM,
            person=p,
            kind="labour_model",
            title="沛县劳动模范",
            level="county",
            year=2020,
            issuer="沛县人民政府",
            awarded_on=dt.date(2020, 4, 28),
            certificate_no=f"C-{i}",
        )
        for i, p in enumerate((a, b))
    ]
    honours.append(
        services.honour_grant(
            actor=SYSTEM,
            org=tree.xinge_team,
            kind="model_post",
            title="沛县五一文明示范岗",
            level="county",
            year=2020,
            issuer="沛县总工会",
        )
    )
    reader = PdfReader(io.BytesIO(documents.certificates_pdf(honours)))
    assert len(reader.pages) == 3
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    for expected in (
        "欧阳证书",
        "司马荣誉",
        "装配一班",
        "沛县劳动模范",
        "荣誉证书",
        "沛县人民政府",
        "2020年4月28日",
        "C-1",
    ):
        assert expected in text
    fonts = _pdf_fonts(reader)
    assert any("CJK" in f or "Hei" in f or "Song" in f for f in fonts), fonts


def test_no_cjk_font_is_refused_not_tofu(tree, settings, monkeypatch):
    h = services.honour_grant(
        actor=SYSTEM,
        person=join(tree.xinge_union, "无字体"),
        kind="labour_model",
        title="沛县劳动模范",
        level="county",
        year=2020,
        issuer="沛县",
    )
    monkeypatch.setattr(documents, "_zh_families", lambda: ())
    with pytest.raises(documents.DocumentError, match="没有可用的中文字体"):
        documents.certificates_pdf([h])
    assert documents.cjk_font(["DejaVu Sans"]) == "DejaVu Sans" or True
    settings.HONOURS_PDF_FONTS = "Noto Sans CJK SC"
    assert documents.cjk_font(["Noto Serif CJK SC", "Noto Sans CJK SC"]) == "Noto Sans CJK SC"
    settings.HONOURS_PDF_FONTS = "Missing Font"
    assert documents.cjk_font(["WenQuanYi Micro Hei", "AR PL UMing"]) == "WenQuanYi Micro Hei"
    assert documents.cjk_font([]) is None


def test_no_font_in_the_ui_gives_a_message(world, login_as, monkeypatch):
    monkeypatch.setattr(documents, "_zh_families", lambda: ())
    response = login_as("county").get(
        reverse("honours:honour-certificate", args=[world.outsider_honour.pk]), follow=True
    )
    assert response.status_code == 200
    assert "没有可用的中文字体" in response.content.decode()


def test_campaign_certificates_in_batch(world, login_as):
    if documents.cjk_font() is None:
        pytest.skip("no CJK font")
    response = login_as("county").get(reverse("honours:campaign-certificates", args=[world.decided.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "王恒辉" in reader.pages[0].extract_text()
