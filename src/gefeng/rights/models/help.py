"""Legal consultations and legal-aid referrals (法工部): lighter records than a dispute case.

A consultation is visible under `rights.consult`: the county and town offices (法工部) and the
worker who asked (本人) — never the enterprise. The question, the answer and the phone are
sealed at rest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_phone


class Topic(models.TextChoices):
    CONTRACT = "contract", _("劳动合同")
    WAGES = "wages", _("工资报酬")
    HOURS = "hours", _("工时休假")
    INSURANCE = "insurance", _("社会保险")
    INJURY = "injury", _("工伤")
    DISMISSAL = "dismissal", _("解除劳动合同")
    WOMEN = "women", _("女职工权益")
    OTHER = "other", _("其他")


class ConsultStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    REFERRED = "referred", _("已转法律援助")


@scope.rule(org="org__", person="user", view="rights.consult")
class Consultation(models.Model):
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("咨询人"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    topic = models.CharField(_("咨询类别"), max_length=12, choices=Topic.choices, default=Topic.OTHER)
    question = EncryptedCharField(_("咨询内容"))
    asked_on = models.DateField(_("咨询日期"), db_index=True)
    channel = models.CharField(_("方式"), max_length=10, default="phone")  # phone | visit | online
    status = models.CharField(_("状态"), max_length=10, choices=ConsultStatus.choices, default=ConsultStatus.OPEN)
    answer = EncryptedCharField(_("答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aid_to = models.CharField(_("转介法律援助机构"), max_length=100, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        ordering = ["-asked_on", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="consult_org_status")]

    def __str__(self) -> str:
        return f"{self.name} {self.asked_on:%Y-%m-%d}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")
