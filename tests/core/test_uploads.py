"""Uploads judged by content, size and count, in one place for every module."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from gefeng.core import uploads

POLICY = uploads.Policy(kinds=(*uploads.IMAGES, "pdf", *uploads.OFFICE), folder="t/files", size_setting="T_MAX_MB")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{part}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("图.png", PNG, "png"),
        ("改名了.jpg", PDF, "pdf"),  # judged by content: a PDF named .jpg is a PDF
        ("方案.docx", _ooxml("word/"), "docx"),
        ("台账.xlsx", _ooxml("xl/"), "xlsx"),
        ("方案.doc", OLE, "doc"),
        ("方案.wps", OLE, "wps"),
        ("台账.et", OLE, "xls"),
    ],
)
def test_accepted_by_content(name, content, key):
    checked = uploads.check(SimpleUploadedFile(name, content), POLICY)
    assert checked.kind.key == key and checked.name == name and checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("病毒.pdf", b"MZ\x90\x00" + b"\x00" * 64, "不是允许的文件类型"),
        ("空.pdf", b"", "空文件"),
        ("方案.xlsx", _ooxml("word/"), "内容与扩展名不符"),
        ("方案.txt", OLE, "不是允许的文件类型"),
        ("坏.docx", b"PK\x03\x04" + b"\x00" * 40, "已损坏"),
        ("幻灯.pptx", _ooxml("ppt/"), "不是允许的文件类型"),  # a kind this policy does not take
    ],
)
def test_refused_with_a_chinese_reason_naming_the_file(name, content, says):
    with pytest.raises(ValidationError) as caught:
        uploads.check(SimpleUploadedFile(name, content), POLICY)
    assert says in caught.value.messages[0] and name in caught.value.messages[0]


def test_the_size_limit_is_the_policy_setting(settings):
    settings.T_MAX_MB = 1
    with pytest.raises(ValidationError, match="超过 1 MB"):
        uploads.check(SimpleUploadedFile("大.pdf", PDF + b"x" * (1024 * 1024)), POLICY)


def test_check_many_reports_every_refused_file_and_the_count_limit(settings):
    files = [
        SimpleUploadedFile("a.pdf", PDF),
        SimpleUploadedFile("b.exe", b"MZ" + b"\x00" * 64),
        SimpleUploadedFile("c", b""),
    ]
    many = uploads.Policy(kinds=("pdf",), folder="t", size_setting="T_MAX_MB", files_setting="T_FILES")
    settings.T_FILES = 5
    with pytest.raises(ValidationError) as caught:
        uploads.check_many(files, many, field="attachments")
    assert len(caught.value.message_dict["attachments"]) == 2
    with pytest.raises(ValidationError, match="一次最多上传 1 个"):
        uploads.check_many(files[:2], POLICY)


def test_names_are_cleaned_of_folders_and_reserved_characters():
    assert uploads.clean_name("C:\\Users\\x\\报告<1>.pdf") == "报告1.pdf"
    assert uploads.clean_name("../../etc/passwd") == "passwd"
    assert uploads.clean_name("") == "附件"


def test_saved_under_the_policy_folder_with_a_random_name(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    checked = uploads.check(SimpleUploadedFile("../报告.pdf", PDF), POLICY)
    stored = uploads.save(checked, POLICY)
    assert stored.startswith("t/files/") and stored.endswith(".pdf") and "报告" not in stored
    assert (tmp_path / stored).read_bytes() == PDF
    assert default_storage.exists(stored)
