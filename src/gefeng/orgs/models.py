from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField

# Four base-36 characters a level: 1.6 million siblings, 63 levels in 255 characters.
SEGMENT = 4
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def segment(n: int) -> str:
    if not 0 < n < 36**SEGMENT:
        raise ValueError("sibling number out of range")
    out = ""
    for _i in range(SEGMENT):
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
    return out


class Kind(models.TextChoices):
    COUNTY = "county", _("县（市、区）")
    TOWN = "town", _("镇 / 街道 / 园区")
    MEMBER_UNIT = "member_unit", _("联席会议成员单位")
    ENTERPRISE = "enterprise", _("企业 / 事业单位")
    UNION = "union", _("工会")
    TEAM = "team", _("班组")


# Which kinds may hang under which: keeps the tree meaningful (a team under a union, not a town).
ALLOWED_CHILDREN: dict[str, set[str]] = {
    Kind.COUNTY: {Kind.TOWN, Kind.MEMBER_UNIT, Kind.ENTERPRISE, Kind.UNION},
    Kind.TOWN: {Kind.ENTERPRISE, Kind.UNION},
    Kind.MEMBER_UNIT: {Kind.ENTERPRISE, Kind.UNION},
    Kind.ENTERPRISE: {Kind.UNION, Kind.TEAM, Kind.ENTERPRISE},
    Kind.UNION: {Kind.TEAM},
    Kind.TEAM: set(),
}


class Industry(models.TextChoices):
    """GB/T 4754-2017 门类."""

    A = "A", _("A 农、林、牧、渔业")
    B = "B", _("B 采矿业")
    C = "C", _("C 制造业")
    D = "D", _("D 电力、热力、燃气及水生产和供应业")
    E = "E", _("E 建筑业")
    F = "F", _("F 批发和零售业")
    G = "G", _("G 交通运输、仓储和邮政业")
    H = "H", _("H 住宿和餐饮业")
    I = "I", _("I 信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("J 金融业")
    K = "K", _("K 房地产业")
    L = "L", _("L 租赁和商务服务业")
    M = "M", _("M 科学研究和技术服务业")
    N = "N", _("N 水利、环境和公共设施管理业")
    O = "O", _("O 居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("P 教育")
    Q = "Q", _("Q 卫生和社会工作")
    R = "R", _("R 文化、体育和娱乐业")
    S = "S", _("S 公共管理、社会保障和社会组织")
    T = "T", _("T 国际组织")


# 产业工人 industries (《产业工人队伍建设改革职工知识50问》): farms, the secondary sector,
# transport and ICT. Used later to mark members as industrial workers.
INDUSTRIAL_SECTIONS = frozenset({"A", "B", "C", "D", "E", "G", "I"})


class Ownership(models.TextChoices):
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("民营")
    FOREIGN = "foreign", _("外资")
    HMT = "hmt", _("港澳台")
    INDIVIDUAL = "individual", _("个体")
    PUBLIC = "public", _("机关事业")
    SOCIAL = "social", _("社会组织")


class OrgNodeQuerySet(models.QuerySet["OrgNode"]):
    def subtree_of(self, node: OrgNode) -> OrgNodeQuerySet:
        return self.filter(scope.subtree_q("", node.path))

    def valid_on(self, day: dt.date) -> OrgNodeQuerySet:
        """Nodes that existed on `day` (founded by then and not yet closed or merged)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)
        )


@scope.rule(org="", view="orgs.view")
class OrgNode(models.Model):
    """A node of the organisation tree, addressed by a materialised path.

    `path` is the parent's path plus four base-36 characters; a subtree is a range scan on its
    index, a move rewrites one prefix in one UPDATE. `last_child` numbers new children.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("层级"), default=1)
    last_child = models.PositiveIntegerField(default=0, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.CharField(
        _("代码"),
        max_length=18,
        blank=True,
        help_text=_("行政区划代码，或统一社会信用代码（工会可填 81 开头的工会代码）"),
    )
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True)
    ownership = models.CharField(_("经济类型"), max_length=20, choices=Ownership.choices, blank=True)
    employee_count = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    union_founded_on = models.DateField(_("建会日期"), null=True, blank=True)
    valid_from = models.DateField(_("成立日期"), null=True, blank=True)
    valid_to = models.DateField(_("撤销日期"), null=True, blank=True, help_text=_("注销、合并或撤销之日"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgNodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="orgnode_code_unique"),
        ]
        indexes = [
            models.Index(fields=["kind", "path"], name="orgnode_kind_path"),
            models.Index(fields=["name"], name="orgnode_name"),
            models.Index(fields=["parent", "path"], name="orgnode_parent_path"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None and self.valid_to <= dt.date.today()

    def ancestors(self) -> OrgNodeQuerySet:
        """The chain from the root down to the parent: one indexed query by path prefixes."""
        prefixes = [self.path[:i] for i in range(SEGMENT, len(self.path), SEGMENT)]
        return OrgNode.objects.filter(path__in=prefixes).order_by("path")

    def is_ancestor_of(self, other: OrgNode) -> bool:
        return other.path.startswith(self.path) and other.path != self.path
