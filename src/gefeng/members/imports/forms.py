"""Forms of the roster import pages (会员导入). They check types and the upload's size; the
file's content is checked by `core.tabular` (header) and the importer (rows)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gefeng.core.forms import StyledFormMixin
from gefeng.core.tabular import format_size
from gefeng.members.models import ImportMode

MAX_PK = 2**62
ACCEPT = ".xlsx,.xls,.xlsm,.xlsb,.ods,.csv,.txt"


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def too_large_message(size: int) -> str:
    return str(
        _("文件大小 %(size)s，超过上限 %(limit)s MB，请拆分后分批导入。")
        % {"size": format_size(size), "limit": settings.UPLOAD_MAX_MB}
    )


class ImportUploadForm(StyledFormMixin, forms.Form):
    """Step one: which union, how, and the file. The union is offered as radio choices (searched
    with HTMX when there are many); the view checks it is one the user may import into."""

    union = forms.IntegerField(
        label=_("导入到工会"),
        min_value=1,
        max_value=MAX_PK,
        error_messages={
            "required": _("请选择要导入到的工会。"),
            "invalid": _("请选择要导入到的工会。"),
            "min_value": _("请选择要导入到的工会。"),
            "max_value": _("请选择要导入到的工会。"),
        },
    )
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportMode.choices,
        initial=ImportMode.INSERT,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择导入方式。"), "invalid_choice": _("请选择导入方式。")},
    )
    dry_run = forms.BooleanField(
        label=_("仅检查，不写入"),
        required=False,
        help_text=_("只读取和校验，给出结果和错误行，不改动会员库。"),
    )
    file = forms.FileField(
        label=_("花名册文件"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("请选择要上传的花名册文件。"),
            "empty": _("文件是空的（0 字节），请检查是否选错了文件。"),
            "invalid": _("没有收到文件，请重新选择。"),
            "missing": _("没有收到文件，请重新选择。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        self.fields["file"].help_text = _(
            "Excel（.xlsx / .xls）、WPS 表格（.ods）或 CSV 文件，不超过 %(limit)s MB。"
        ) % {"limit": settings.UPLOAD_MAX_MB}

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        size = upload.size or 0
        if size > max_upload_bytes():  # refused before anything is written to disk
            raise forms.ValidationError(too_large_message(size), code="too_large")
        name = upload.name or ""
        if len(name) > 200:
            upload.name = name[-200:]
        return upload


class ImportConfirmForm(forms.Form):
    """Step two: the uploaded file (by its one-time token in the session) is confirmed or dropped."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", max_length=32)
    action = forms.ChoiceField(choices=[("confirm", _("确认导入")), ("cancel", _("取消"))])
