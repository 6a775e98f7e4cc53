"""Motions and elections, and the secret ballot.

Secrecy by construction: who voted (`VoteCast`, unique per motion and representative: each voter
once) and what was voted (`Ballot`) are two tables with nothing in common but the motion. A
ballot has no voter, no time and no sequence: the slots of a motion are made when the chair opens
it (one per entitled voter, random ids and random order keys), and a vote fills a free slot
picked at random, so neither the row order nor the ids follow the order of the votes. The voter
gets the slot's receipt code, shown once; the published tally lists every receipt with its choice.
A named vote (where the rules allow it) fills `representative` on the ballot.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.democracy.models.congress import Meeting, Representative


class MotionKind(models.TextChoices):
    RESOLUTION = "resolution", _("议案")
    ELECTION = "election", _("选举")
    CHARTER = "charter", _("章程或制度修订")
    CONTRACT = "contract", _("集体合同审议")
    OTHER = "other", _("其他事项")


# Kinds that are important matters: voted by secret ballot, item by item (企业民主管理规定; 上海条例 §31).
SECRET_KINDS = frozenset({MotionKind.ELECTION, MotionKind.CHARTER, MotionKind.CONTRACT})


class Method(models.TextChoices):
    YNA = "yna", _("赞成/反对/弃权")
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    CANDIDATES = "candidates", _("候选人差额/等额选举")


class MotionStatus(models.TextChoices):
    DRAFT = "draft", _("待表决")
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("已计票")


@scope.rule(org="meeting__congress__org__", view="democracy.view")
class Motion(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    kind = models.CharField(_("事项类型"), max_length=10, choices=MotionKind.choices, default=MotionKind.RESOLUTION)
    title = models.CharField(_("表决事项"), max_length=150)
    text = models.TextField(_("内容"), blank=True)
    method = models.CharField(_("表决方式"), max_length=10, choices=Method.choices, default=Method.YNA)
    seats = models.PositiveSmallIntegerField(_("应选人数/最多可选"), default=1)
    secret = models.BooleanField(_("无记名投票"), default=True)
    statutory_item = models.CharField(_("劳动合同法第四条事项"), max_length=12, blank=True)
    document = models.ForeignKey(
        "democracy.Document", verbose_name=_("修订的章程或制度"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="motions",
    )  # fmt: skip
    new_text = models.TextField(_("修订后全文"), blank=True)
    contract_ref = models.CharField(
        _("集体合同编号"), max_length=60, blank=True, help_text=_("维权模块中登记的集体合同，手工填写编号")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    status = models.CharField(_("状态"), max_length=8, choices=MotionStatus.choices, default=MotionStatus.DRAFT)
    entitled = models.PositiveIntegerField(_("全体代表"), default=0)
    present = models.PositiveIntegerField(_("表决时到会"), default=0)
    cast = models.PositiveIntegerField(_("已投票"), default=0)
    result = models.JSONField(default=dict, blank=True)
    passed = models.BooleanField(_("通过"), null=True)
    reason = models.CharField(_("结果说明"), max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("表决事项")
        verbose_name_plural = _("表决事项")
        ordering = ["meeting", "order", "id"]
        indexes = [models.Index(fields=["status", "passed"], name="motion_status_passed")]

    def __str__(self) -> str:
        return self.title


@scope.rule(org="motion__meeting__congress__org__", view="democracy.view")
class Option(models.Model):
    """A choice: 赞成/反对/弃权, one of several, or a candidate (a member of the registry)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("选项"), max_length=100)
    code = models.CharField(max_length=8, blank=True)  # yes / no / abstain for YNA
    candidate = models.ForeignKey(
        "members.Member", verbose_name=_("候选人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    votes = models.PositiveIntegerField(_("得票"), default=0)
    elected = models.BooleanField(_("当选"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["motion", "order", "id"]

    def __str__(self) -> str:
        return self.label


class Channel(models.TextChoices):
    PHONE = "phone", _("手机投票")
    PAPER = "paper", _("纸质选票")


@scope.rule(org="motion__meeting__congress__org__", view="democracy.view")
class VoteCast(models.Model):
    """That a representative has voted on a motion — never how. No time is kept here either."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="casts")
    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("方式"), max_length=6, choices=Channel.choices, default=Channel.PHONE)

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [models.UniqueConstraint(fields=["motion", "representative"], name="votecast_once")]

    def __str__(self) -> str:
        return f"{self.motion_id}:{self.representative_id}"


@scope.rule(org="motion__meeting__congress__org__", view="democracy.view")
class Ballot(models.Model):
    """One ballot slot of a motion: empty until a vote fills it. No voter (unless the vote is
    named), no time; `id` and `slot` are random."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="ballots")
    slot = models.BigIntegerField()
    filled = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)  # option ids; [] = blank ballot
    receipt = models.CharField(max_length=12, blank=True)
    representative = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # named votes only

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        indexes = [models.Index(fields=["motion", "filled", "slot"], name="ballot_free_slot")]
        constraints = [
            models.UniqueConstraint(fields=["motion", "receipt"], condition=~Q(receipt=""), name="ballot_receipt")
        ]

    def __str__(self) -> str:
        return self.receipt or "空白选票位"


@scope.rule(org="motion__meeting__congress__org__", view="democracy.view")
class PaperCount(models.Model):
    """A teller's count of the paper ballots: two tellers, the same counts, or refused."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="paper_counts")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField(default=dict)  # option id → votes, "blank" → blank or spoiled ballots
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("纸质计票")
        verbose_name_plural = _("纸质计票")
        constraints = [models.UniqueConstraint(fields=["motion", "teller"], name="papercount_teller_once")]

    def __str__(self) -> str:
        return f"{self.motion_id}:{self.teller_id}"
