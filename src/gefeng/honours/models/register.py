"""The honours register (荣誉记录): the contract other apps rely on."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.honours.models.campaigns import (
    Campaign,
    HonourKind,
    Level,
)
from gefeng.honours.models.nominations import (
    Nomination,
)


@scope.rule(org="org__", person="person__user_id", view="honours.view")
class Honour(models.Model):
    """荣誉记录: one honour held by a person (`person`) or a collective (`person` null).

    `org` is, for a person, their enterprise (or union) when honoured; for a collective, the
    collective's own node. `year` is the year the honour was conferred. Written only through
    `services.honour_grant` (campaign approval, or an honour recorded from another body).
    """

    person = models.ForeignKey(
        "members.Member",
        verbose_name=_("获得者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="honours",
    )
    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("单位或集体"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("获得者名称"), max_length=100, blank=True, help_text=_("个人姓名或集体名称（当时）"))
    kind = models.CharField(_("荣誉类别"), max_length=24, choices=HonourKind.choices)
    title = models.CharField(_("荣誉称号"), max_length=120)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    issuer = models.CharField(_("授予单位"), max_length=120)
    awarded_on = models.DateField(_("授予日期"), null=True, blank=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("表彰活动"), null=True, blank=True, on_delete=models.PROTECT, related_name="honours"
    )
    nomination = models.OneToOneField(
        Nomination, null=True, blank=True, on_delete=models.PROTECT, related_name="honour"
    )
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("荣誉记录")
        verbose_name_plural = _("荣誉记录")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"], condition=~Q(certificate_no=""), name="honour_certificate_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "year"], name="honour_kind_year"),
            models.Index(fields=["year", "kind"], name="honour_year_kind"),
            models.Index(fields=["person", "kind"], name="honour_person_kind"),
            models.Index(fields=["org", "year"], name="honour_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.person or self.org} {self.year} {self.title}"

    @property
    def is_collective(self) -> bool:
        return self.person_id is None
