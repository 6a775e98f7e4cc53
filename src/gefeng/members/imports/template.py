"""The roster template (会员花名册模板): the header row, an example row and the instructions."""

from __future__ import annotations

import io

import xlsxwriter
from django.conf import settings

from gefeng.core.validators import id_check_char
from gefeng.members.imports import pipeline
from gefeng.members.models import (
    Education,
    JobCategory,
    NewFormGroup,
    Political,
    SkillLevel,
)

# ---------------------------------------------------------------- the template

TEMPLATE_SHEET = "会员花名册"
INSTRUCTIONS_SHEET = "填表说明"


def _example_row() -> dict[str, str]:
    body = "32032219900101001"
    return {
        # Not a valid name on purpose: an example row left in the file is refused, never imported.
        "name": "张三（示例）",
        "id_number": body + id_check_char(body),
        "sex": "男",
        "ethnicity": "汉族",
        "political_status": "群众",
        "education": "高中",
        "phone": "13800000000",
        "job_category": "一线工人",
        "occupation": "焊工",
        "skill_level": "四级/中级工",
        "new_form_group": "",
        "migrant": "否",
        "joined_on": "2019-05-01",
        "card_number": "",
        "team": "",
    }


_CHOICES: dict[str, list[str]] = {
    "sex": ["男", "女"],
    "political_status": [str(label) for _v, label in Political.choices],
    "education": [str(v) for v in Education.values],
    "job_category": [str(label) for _v, label in JobCategory.choices],
    "skill_level": [str(label) for _v, label in reversed(SkillLevel.choices)],
    "new_form_group": [str(label) for _v, label in NewFormGroup.choices],
    "migrant": ["是", "否"],
}
_TEXT_COLUMNS = frozenset({"id_number", "phone", "card_number", "joined_on"})
_WIDTHS = {"name": 12, "id_number": 22, "phone": 14, "joined_on": 12, "card_number": 18, "new_form_group": 14}


def _instructions() -> list[str]:
    required = "、".join(c.label for c in pipeline.COLUMNS if c.required)
    return [
        "填表说明",
        f"1. 一人一行，请勿合并单元格、请勿修改表头。带红色表头的列（{required}）必须填写，其余列可以空白。",
        "2. 第 2 行是示例，导入前请删除（保留也不会被导入，会作为错误行列出）。",
        "3. 身份证号填写 18 位居民身份证号码，末位 X 请大写；本列已设为文本格式，请勿改为数字，"
        "否则 Excel 会丢失末尾几位。15 位老号码会自动升为 18 位。",
        "4. 性别可以不填，按身份证号判断；填写时须与身份证号一致。",
        "5. 手机号填写本人 11 位手机号码；固定电话请勿填入本列。",
        "6. 入会日期写成 2019-05-01 这样的格式（也可写 2019.05.01、2019/5/1、2019年5月1日）；"
        "入会时应年满 16 周岁，不能晚于今天。",
        "7. 政治面貌、文化程度、岗位类别、技能等级、新就业形态群体、是否农民工请从下拉选项中选择；"
        "常见的其他写法（如“男性”“大学本科”“一线职工”“高级工”）也能识别，不认识的写法可在预览时对照，"
        "未对照的留空导入并在报告中提醒。",
        "8. 班组须是本工会在平台中已建立的班组，写其名称；没有班组请空白。",
        "9. 一次入会、动态接转：已在其他工会登记的会员会被列为错误行，请由原工会办理转会。",
        "10. 导入方式：“只新增”时已在会员库中的身份证号作为错误行；“新增并更新”时本工会已有的会员按表格更新"
        "（表格中没有的列不会改动）。",
        "11. 同一文件可以重复导入：“新增并更新”方式下未改动的行不会重复登记。",
        f"12. 文件不超过 {settings.UPLOAD_MAX_MB} MB；行数多时请拆分为多个文件。",
    ]


def template_xlsx() -> bytes:
    """The roster template: the header, one example row, drop-downs, and a sheet 填表说明."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet(TEMPLATE_SHEET)
    head = book.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#DDEBF7"})
    head_required = book.add_format(
        {"bold": True, "align": "center", "border": 1, "bg_color": "#DDEBF7", "font_color": "#C00000"}
    )
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"italic": True, "font_color": "#808080", "num_format": "@"})
    sample = _example_row()
    last_row = 5000
    for col, column in enumerate(pipeline.COLUMNS):
        width = _WIDTHS.get(column.key, max(8, 2 * len(column.label) + 2))
        sheet.set_column(col, col, width, text if column.key in _TEXT_COLUMNS else None)
        sheet.write_string(0, col, column.label, head_required if column.required else head)
        sheet.write_string(1, col, sample.get(column.key, ""), example)
        choices = _CHOICES.get(column.key)
        if choices:
            sheet.data_validation(
                1,
                col,
                last_row,
                col,
                {
                    "validate": "list",
                    "source": choices,
                    "error_type": "warning",
                    "error_title": "请从下拉选项中选择",
                    "error_message": "该值不在可选范围内，导入时请在预览中对照，否则该项留空。",
                },
            )
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet(INSTRUCTIONS_SHEET)
    notes.set_column(0, 0, 110)
    bold = book.add_format({"bold": True, "font_size": 14})
    for row, line in enumerate(_instructions()):
        notes.write_string(row, 0, line, bold if row == 0 else None)
    book.close()
    return buffer.getvalue()
