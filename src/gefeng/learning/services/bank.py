"""The question bank: questions entered one by one or imported from Excel (all rows or none,
every refused row reported with its reason)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gefeng.core import audit
from gefeng.core.actors import accepts_system
from gefeng.core.tabular import Column
from gefeng.core.validators import clean_text
from gefeng.learning.models import Difficulty, Question, QuestionKind
from gefeng.learning.services._common import read_sheet, require_org
from gefeng.orgs.models import OrgNode

LETTERS = "ABCDEFGH"
KIND_NAMES = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.JUDGE,
    "判断题": QuestionKind.JUDGE,
    "填空": QuestionKind.FILL,
    "填空题": QuestionKind.FILL,
}
DIFFICULTY_NAMES = {"易": 1, "简单": 1, "1": 1, "中": 2, "中等": 2, "2": 2, "难": 3, "困难": 3, "3": 3}
TRUE_WORDS, FALSE_WORDS = {"对", "正确", "是", "√", "T", "TRUE"}, {"错", "错误", "否", "×", "F", "FALSE"}
BANK_COLUMNS = [
    Column("kind", "题型", ("类型",), required=True),
    Column("text", "题干", ("题目", "试题"), required=True),
    *[Column(f"opt{c}", f"选项{c}", (c, f"{c}选项")) for c in LETTERS[:6]],
    Column("answer", "答案", ("正确答案", "参考答案"), required=True),
    Column("tags", "标签", ("知识点", "分类")),
    Column("difficulty", "难度", ()),
    Column("explanation", "解析", ("答案解析",)),
]


def clean_question(kind: Any, text: Any, options: list[Any], answer: Any, difficulty: Any, tags: Any) -> dict[str, Any]:
    """A question checked and put in its stored form; errors keyed by field."""
    errors: dict[str, list[str]] = {}
    kind_value = KIND_NAMES.get(clean_text(kind), clean_text(kind))
    if kind_value not in QuestionKind.values:
        errors["kind"] = ["题型应为单选、多选、判断或填空。"]
    body = clean_text(text)
    if not body:
        errors["text"] = ["请填写题干。"]
    opts = [clean_text(o)[:200] for o in options]
    while opts and not opts[-1]:
        opts.pop()
    key = clean_text(answer).upper().replace(",", "").replace("，", "").replace(" ", "")
    if kind_value == QuestionKind.FILL:
        key = "|".join(p.strip() for p in clean_text(answer).split("|") if p.strip())
    if not key:
        errors["answer"] = ["缺少答案。"]
    elif kind_value in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(opts) < 2 or "" in opts:
            errors["options"] = ["选择题至少要有两个连续的选项。"]
        elif not re.fullmatch(f"[{LETTERS[: len(opts)]}]+", key):
            errors["answer"] = [f"答案应为选项字母（{LETTERS[0]}～{LETTERS[len(opts) - 1]}）。"]
        elif kind_value == QuestionKind.SINGLE and len(key) != 1:
            errors["answer"] = ["单选题只能有一个答案。"]
        elif kind_value == QuestionKind.MULTIPLE and len(set(key)) < 2:
            errors["answer"] = ["多选题至少有两个正确选项。"]
        key = "".join(sorted(set(key)))
    elif kind_value == QuestionKind.JUDGE:
        if key in TRUE_WORDS:
            key = "对"
        elif key in FALSE_WORDS:
            key = "错"
        else:
            errors["answer"] = ["判断题答案应为“对”或“错”。"]
        opts = []
    elif kind_value == QuestionKind.FILL:
        opts = []
    level = DIFFICULTY_NAMES.get(clean_text(difficulty) or "2")
    if level is None:
        errors["difficulty"] = ["难度应为易、中或难。"]
    if errors:
        raise ValidationError(errors)
    tag_text = ",".join(t for t in re.split(r"[,，、;；\s]+", clean_text(tags)) if t)[:100]
    return {
        "kind": kind_value,
        "text": body[:2000],
        "options": opts,
        "answer": key[:200],
        "difficulty": level,
        "tags": tag_text,
    }


@accepts_system
@transaction.atomic
def question_create(
    *,
    actor: Any,
    org: OrgNode,
    kind: Any,
    text: Any,
    answer: Any,
    options: list[Any] | None = None,
    tags: Any = "",
    difficulty: Any = Difficulty.MEDIUM,
    explanation: Any = "",
) -> Question:
    require_org(actor, org)
    data = clean_question(kind, text, list(options or []), answer, difficulty, tags)
    question = Question.objects.create(org=org, explanation=clean_text(explanation)[:500], **data)
    audit.record(actor=actor, action="learning.question.created", obj=question, changes={"kind": data["kind"]})
    return question


@accepts_system
@transaction.atomic
def questions_import(*, actor: Any, org: OrgNode, upload: Any) -> int:
    """Import a question bank sheet. Every row is checked first; if any is refused, nothing is
    written and the ValidationError lists each refused row (第N行：reason)."""
    require_org(actor, org)
    _sheet, rows, filename = read_sheet(upload, BANK_COLUMNS)
    made: list[Question] = []
    problems: list[str] = []
    for row in rows:
        v = row.values
        try:
            data = clean_question(
                v.get("kind"),
                v.get("text"),
                [v.get(f"opt{c}", "") for c in LETTERS[:6]],
                v.get("answer"),
                v.get("difficulty"),
                v.get("tags"),
            )
        except ValidationError as exc:
            problems.append(f"第{row.number}行：" + "；".join(exc.messages))
            continue
        made.append(Question(org=org, explanation=clean_text(v.get("explanation"))[:500], **data))
    if problems:
        raise ValidationError({"file": [f"有 {len(problems)} 行有误，整表未导入：", *problems[:200]]})
    if not made:
        raise ValidationError({"file": ["表中没有试题。"]})
    Question.objects.bulk_create(made, batch_size=500)
    audit.record(
        actor=actor, action="learning.question.imported", obj=org, changes={"file": filename, "rows": len(made)}
    )
    return len(made)
