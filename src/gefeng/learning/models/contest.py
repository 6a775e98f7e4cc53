"""Online knowledge contests (知识竞赛): a question bank, contests drawing a random paper per
participant by tag and difficulty, attempts timed and scored on the server.

Integrity lives in the database and the server: an attempt records its deadline when it starts
(the client's clock is never asked); answers are scored when the paper is submitted, one `Answer`
row per question of the paper (unique), so an answer is scored exactly once; a participant has
at most one open attempt per contest (a partial unique index) and the attempt is bound to the
session that started it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    JUDGE = "judge", _("判断题")
    FILL = "fill", _("填空题")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("易")
    MEDIUM = 2, _("中")
    HARD = 3, _("难")


@scope.rule(org="org__", view="learning.view")
class Question(models.Model):
    """One question. `options` are the choices' texts (A, B, C … in order); `answer` is the key:
    letters for choices ("B", "ACD"), 对/错 for true-false, the accepted texts for fill-in
    separated by "|"."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("题库单位"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.CharField(_("答案"), max_length=200)
    tags = models.CharField(_("标签"), max_length=100, blank=True, help_text=_("多个标签用逗号分隔"))
    difficulty = models.PositiveSmallIntegerField(_("难度"), choices=Difficulty.choices, default=Difficulty.MEDIUM)
    explanation = models.CharField(_("解析"), max_length=500, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["org", "id"]
        indexes = [models.Index(fields=["org", "active", "difficulty"], name="learning_question_pick")]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("未发布")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")


@scope.rule(org="org__", view="learning.view")
class Contest(models.Model):
    """A contest: who may take part (active members under `eligible`), the window, the paper's
    draw (`draw`: [{"tag": "", "difficulty": 0, "count": n}], 0/"" meaning any) and the rules."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+")
    eligible = models.ForeignKey("orgs.OrgNode", verbose_name=_("参赛范围"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    minutes = models.PositiveSmallIntegerField(_("答题时限（分钟）"), default=10)
    points = models.PositiveSmallIntegerField(_("每题分值"), default=5)
    draw = models.JSONField(_("组卷规则"), default=list)
    attempts = models.PositiveSmallIntegerField(_("可答次数"), default=1, help_text=_("多次作答时取最好成绩"))
    winners = models.PositiveSmallIntegerField(_("获奖人数"), default=10)
    status = models.CharField(_("状态"), max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("知识竞赛")
        verbose_name_plural = _("知识竞赛")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "ends_at"], name="learning_contest_open")]

    def __str__(self) -> str:
        return self.title

    @property
    def size(self) -> int:
        return sum(int(d.get("count", 0)) for d in self.draw or [])


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("答题中")
    SUBMITTED = "submitted", _("已交卷")
    EXPIRED = "expired", _("超时")


@scope.rule(org="union__", person="user_id", view="learning.view")
class Attempt(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="attempt_set")
    member = models.ForeignKey("members.Member", verbose_name=_("参赛人"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在工会"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    session = models.CharField(max_length=64)  # a digest of the session that started it
    questions = models.JSONField(default=list)  # question ids in the participant's (shuffled) order
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    score = models.PositiveIntegerField(_("得分"), default=0)
    correct = models.PositiveSmallIntegerField(_("答对"), default=0)
    seconds = models.PositiveIntegerField(_("用时（秒）"), default=0)

    class Meta:
        verbose_name = _("答题记录")
        verbose_name_plural = _("答题记录")
        constraints = [
            models.UniqueConstraint(fields=["contest", "member", "number"], name="learning_attempt_number"),
            models.UniqueConstraint(
                fields=["contest", "member"], condition=Q(status="open"), name="learning_attempt_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "status", "-score", "seconds"], name="learning_attempt_rank"),
            models.Index(fields=["contest", "union"], name="learning_attempt_union"),
        ]


@scope.rule(org="attempt__union__", person="attempt__user_id", view="learning.view")
class Answer(models.Model):  # noqa: DJ008  (rows shown in tables, never alone)
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    response = models.CharField(max_length=200, blank=True)
    correct = models.BooleanField(default=False)
    points = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="learning_answer_once")]
