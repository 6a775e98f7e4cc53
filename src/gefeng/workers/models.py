"""职工端: what a worker does on the phone, and what the union does with it.

A worker's account is bound to one registry record (`members.Member.user`) after a real-name
match (name + ID number + phone through the blind index) and either a one-time activation code the
union printed or the union chair's confirmation (`BindRequest`). Joining (`JoinApplication`) and
corrections (`CorrectionRequest`) go to the union as workbench items; the registry itself changes
only through `members.services`.

Every request row hangs on the union that handles it (`union`) and names its worker (`user`), so
the union sees it through its subtree scope and the worker through 本人.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_id_number, mask_phone


def _trail_user() -> Any:
    """Who decided or issued: a trail, so the id stays when the account is deleted (the audit log
    names the person)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


class Purpose(models.TextChoices):
    BIND = "bind", _("实名绑定")
    JOIN = "join", _("入会申请")


@scope.rule(org=None, person="user_id", view="self.view")
class Consent(models.Model):
    """A worker's consent to the personal-information notice (个人信息保护法 §17, §14): which
    version of the text, for what, and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("用途"), max_length=10, choices=Purpose.choices)
    version = models.CharField(_("告知书版本"), max_length=20)
    at = models.DateTimeField(_("同意时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息告知同意")
        verbose_name_plural = _("个人信息告知同意")
        indexes = [models.Index(fields=["user", "at"], name="consent_user_at")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.version}"


@scope.rule(org=None, person="user_id", view="self.view")
class BindAttempt(models.Model):
    """One real-name match that failed (rate limit and trail): by account and by address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    ip = models.CharField(max_length=45, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "at"], name="bindattempt_user_at"),
            models.Index(fields=["ip", "at"], name="bindattempt_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at}"


@scope.rule(org="union__", view="members.change")
class ActivationCode(models.Model):
    """A one-time, expiring code the union hands to one member (printed sheet or QR)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("激活码"), max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    created_by = _trail_user()

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        indexes = [models.Index(fields=["union", "used_at", "expires_at"], name="actcode_union_live")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.code[:2]}…"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待办理")
    DONE = "done", _("已通过")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已撤回")


class _Request(models.Model):
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    reason = models.CharField(_("退回理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    due_on = models.DateField(_("办理期限"))
    decided_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    decided_by = _trail_user()

    class Meta:
        abstract = True


@scope.rule(org="union__", person="user_id", view="members.view")
class BindRequest(_Request):
    """A worker whose name, ID number and phone matched a member asks the union to confirm."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("绑定申请")
        verbose_name_plural = _("绑定申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["union", "status", "due_on"], name="bindreq_union_status")]

    def __str__(self) -> str:
        return f"绑定申请 {self.member}"


@scope.rule(org="union__", person="user_id", view="members.view")
class JoinApplication(_Request):
    """入会申请 of a worker not yet in the registry. It goes to the employer's union, or for an
    enterprise without one to the industry federation of the worker's 新就业形态 group or the town
    union. `user` is empty for a paper application the union records for the worker."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedCharField(_("身份证号"))
    id_hash = models.CharField(max_length=64, db_index=True)
    phone = EncryptedCharField(_("手机号"))
    town = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("所在镇街"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("工作单位名称"), max_length=100)
    new_form_group = models.CharField(_("新就业形态群体"), max_length=10, blank=True)
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("受理工会"), on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["union", "status", "due_on"], name="joinapp_union_status")]

    def __str__(self) -> str:
        return f"入会申请 {self.name}"

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class CorrectionField(models.TextChoices):
    NAME = "name", _("姓名")
    PHONE = "phone", _("手机号")
    ETHNICITY = "ethnicity", _("民族")
    POLITICAL = "political_status", _("政治面貌")
    EDUCATION = "education", _("文化程度")
    JOB = "job_category", _("岗位类别")
    OCCUPATION = "occupation", _("工种")
    GROUP = "new_form_group", _("新就业形态群体")


@scope.rule(org="union__", person="user_id", view="members.view")
class CorrectionRequest(_Request):
    """更正申请: the worker says a registry field is wrong; the union applies it or refuses."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("更正项目"), max_length=20, choices=CorrectionField.choices)
    value = models.CharField(_("应为"), max_length=50)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["union", "status", "due_on"], name="correction_union_status")]

    def __str__(self) -> str:
        return f"更正申请 {self.get_field_display()}"


@scope.rule(org="member__union__", person="user_id", view="members.view")
class MemberCard(models.Model):
    """An electronic member card. Its QR code carries a signed, expiring token naming the card
    and its nonce; revoking the card (lost phone) makes every token of it invalid."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=32)
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = _trail_user()

    class Meta:
        verbose_name = _("电子会员证")
        verbose_name_plural = _("电子会员证")
        indexes = [models.Index(fields=["user", "revoked_at"], name="card_user_revoked")]

    def __str__(self) -> str:
        return f"电子会员证 {self.member}"


class TransferOrigin(models.TextChoices):
    WORKER = "worker", _("职工申请")
    OLD_UNION = "old", _("原工会发起")
    NEW_UNION = "new", _("新工会发起")


class TransferStep(models.TextChoices):
    RELEASE = "release", _("待原工会转出")
    ACCEPT = "accept", _("待新工会接收")
    RECORD = "record", _("待上级工会登记")


@scope.rule(org="union__", person="user_id", view="members.view")
class TransferRequest(_Request):
    """会员接转: the old union releases, the new union accepts, and the registry's transfer
    service moves the membership (a 转出 row at the old union, a 转入 row at the new).

    `union` is the union whose step it is — the old union (or, when it no longer exists, the
    county) while it waits for release, the new union while it waits for acceptance, and — when
    the accepting officer's rights do not reach the old union, which the registry's transfer
    asks — the nearest node above both, whose officers record the move. Each sees the request
    exactly while it has to act on it; the history stays in both unions' membership records."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    from_union = models.ForeignKey("orgs.OrgNode", verbose_name=_("原工会"), on_delete=models.PROTECT, related_name="+")
    to_union = models.ForeignKey("orgs.OrgNode", verbose_name=_("新工会"), on_delete=models.PROTECT, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("当前办理"), on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("环节"), max_length=10, choices=TransferStep.choices, default=TransferStep.RELEASE)
    origin = models.CharField(_("发起方"), max_length=10, choices=TransferOrigin.choices, default=TransferOrigin.WORKER)
    note = models.CharField(_("接转原因"), max_length=200, blank=True)
    released_at = models.DateTimeField(_("转出时间"), null=True, blank=True)
    released_by = _trail_user()

    class Meta:
        verbose_name = _("会员接转")
        verbose_name_plural = _("会员接转")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["union", "status", "due_on"], name="transfer_union_status")]

    def __str__(self) -> str:
        return f"会员接转 {self.member}"
