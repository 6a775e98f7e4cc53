from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField, mask_id_number, mask_phone
from gefeng.members import idtail


class Sex(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class Political(models.TextChoices):
    CPC = "中共党员", _("中共党员")
    PROBATIONARY = "中共预备党员", _("中共预备党员")
    LEAGUE = "共青团员", _("共青团员")
    DEMOCRATIC = "民主党派", _("民主党派")
    MASSES = "群众", _("群众")
    OTHER = "其他", _("其他")


class Education(models.TextChoices):
    PRIMARY = "小学", _("小学及以下")
    JUNIOR = "初中", _("初中")
    SENIOR = "高中", _("高中")
    VOCATIONAL = "中专", _("中专/中技/职高")
    COLLEGE = "大专", _("大专")
    BACHELOR = "本科", _("本科")
    MASTER = "硕士", _("硕士研究生")
    DOCTOR = "博士", _("博士研究生")


class JobCategory(models.TextChoices):
    FRONTLINE = "一线工人", _("一线工人")
    TECHNICAL = "技术人员", _("技术人员")
    MANAGEMENT = "管理人员", _("管理人员")
    OTHER = "其他", _("其他")


class SkillLevel(models.TextChoices):
    """国家职业资格 / 职业技能等级 (五级 lowest, 一级 highest)."""

    L5 = "5", _("五级/初级工")
    L4 = "4", _("四级/中级工")
    L3 = "3", _("三级/高级工")
    L2 = "2", _("二级/技师")
    L1 = "1", _("一级/高级技师")


class NewFormGroup(models.TextChoices):
    """新就业形态 “八大群体” (ACFTU 2018 campaign)."""

    TRUCK = "货车司机", _("货车司机")
    COURIER = "快递员", _("快递员")
    CARER = "护工护理员", _("护工护理员")
    DOMESTIC = "家政服务员", _("家政服务员")
    MALL = "商场信息员", _("商场信息员")
    DELIVERY = "网约送餐员", _("网约送餐员")
    ESTATE = "房产中介员", _("房产中介员")
    GUARD = "保安员", _("保安员")


class Status(models.TextChoices):
    ACTIVE = "active", _("在会")
    RETAINED = "retained", _("保留会籍")
    TRANSFERRED_OUT = "out", _("已转出")
    LEFT = "left", _("已退会")


@scope.rule(org="union__", person="user_id", view="members.view")
class Member(models.Model):
    """One person in the real-name registry: one row per ID number in the whole database
    (“一次入会、动态接转”, 会籍管理办法 §3), whatever union holds the membership now.

    The ID number and phone are sealed (`EncryptedCharField`); `id_hash` and `phone_hash` are
    keyed blind indexes for exact search and de-duplication.
    """

    name = models.CharField(_("姓名"), max_length=50)
    # Search columns (see selectors): the name from its 2nd and 3rd character, so a substring
    # anywhere in a 2–4 character name is a prefix of one of three indexed columns; the full
    # pinyin and the initials (ü written u), prefix-searchable the same way.
    name_tail1 = models.CharField(max_length=50, blank=True)
    name_tail2 = models.CharField(max_length=50, blank=True)
    pinyin = models.CharField(max_length=120, blank=True)
    initials = models.CharField(max_length=30, blank=True)
    id_number = EncryptedCharField(_("身份证号"))
    id_hash = models.CharField(max_length=64, unique=True)
    # Keyed hashes of the ID number's last 4, 5 and 6 characters (`members.idtail`).
    id_tail4 = models.CharField(max_length=32, blank=True)
    id_tail5 = models.CharField(max_length=32, blank=True)
    id_tail6 = models.CharField(max_length=32, blank=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=10, choices=Political.choices, blank=True)
    education = models.CharField(_("文化程度"), max_length=10, choices=Education.choices, blank=True)
    phone = EncryptedCharField(_("手机号"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)

    union = models.ForeignKey(
        "orgs.OrgNode", verbose_name=_("所在工会"), on_delete=models.PROTECT, related_name="union_members"
    )
    enterprise = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprise_members",
    )
    team = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("班组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )

    job_category = models.CharField(_("岗位类别"), max_length=10, choices=JobCategory.choices, blank=True)
    industrial_worker = models.BooleanField(_("产业工人"), default=False)
    occupation = models.CharField(_("工种"), max_length=50, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=1, choices=SkillLevel.choices, blank=True)
    new_form_group = models.CharField(_("新就业形态群体"), max_length=10, choices=NewFormGroup.choices, blank=True)
    migrant = models.BooleanField(_("农民工"), default=False)
    joined_on = models.DateField(_("入会日期"))
    card_number = models.CharField(_("会员证号"), max_length=30, blank=True)
    status = models.CharField(_("会籍状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("会籍终止日期"), null=True, blank=True, help_text=_("转出或退会之日"))

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        constraints = [
            models.UniqueConstraint(fields=["card_number"], condition=~Q(card_number=""), name="member_card_unique"),
        ]
        indexes = [
            models.Index(fields=["union", "status", "name"], name="member_union_status_name"),
            models.Index(fields=["name"], name="member_name"),
            # The list's default order within a status: the first page of a scope comes off it.
            models.Index(fields=["status", "name"], name="member_status_name"),
            models.Index(fields=["name_tail1"], name="member_name_tail1"),
            models.Index(fields=["name_tail2"], name="member_name_tail2"),
            models.Index(fields=["pinyin"], name="member_pinyin"),
            models.Index(fields=["initials"], name="member_initials"),
            models.Index(fields=["id_tail4"], name="member_id_tail4"),
            models.Index(fields=["id_tail5"], name="member_id_tail5"),
            models.Index(fields=["id_tail6"], name="member_id_tail6"),
            models.Index(fields=["joined_on"], name="member_joined_on"),
            models.Index(fields=["birth_date"], name="member_birth_date"),
            models.Index(fields=["enterprise", "status"], name="member_enterprise_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps the ID tail hashes in step with the ID number (bulk writes set them themselves)
        and the live count of the member's enterprise (`members.tally`) in the same transaction."""
        from gefeng.members import tally

        tails = idtail.fields(self.id_number or "")
        for column, value in tails.items():
            setattr(self, column, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "id_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, *tails}
        old = getattr(self, "_tallied", None)
        if old is None and self.pk is not None and not self._state.adding:
            row = Member.objects.filter(pk=self.pk).values_list("enterprise_id", "status").first()
            old = (row[0], row[1] == Status.ACTIVE) if row else None
        new = (self.enterprise_id, self.status == Status.ACTIVE)
        with transaction.atomic():
            super().save(*args, **kwargs)
            tally.on_save(old, new)
        self._tallied = new

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Member:
        """Remembers the enterprise and status as read, so `save` knows what changed."""
        obj = super().from_db(db, field_names, values)
        if "enterprise_id" in field_names and "status" in field_names:
            obj._tallied = (obj.enterprise_id, obj.status == Status.ACTIVE)
        return obj

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


@scope.rule(org="enterprise__", view="members.view")
class EnterpriseTally(models.Model):
    """在会 members of one enterprise, kept by `members.tally` (read by 建会入会)."""

    enterprise = models.OneToOneField(
        "orgs.OrgNode", primary_key=True, on_delete=models.CASCADE, related_name="member_tally"
    )
    active = models.IntegerField(_("在会会员"), default=0)

    class Meta:
        verbose_name = _("企业会员数")
        verbose_name_plural = _("企业会员数")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.active}"


class EventKind(models.TextChoices):
    JOIN = "join", _("入会")
    TRANSFER_IN = "in", _("转入")
    TRANSFER_OUT = "out", _("转出")
    RETAIN = "retain", _("保留会籍")
    RESTORE = "restore", _("恢复会籍")
    LEAVE = "leave", _("退会")
    UPDATE = "update", _("信息变更")


@scope.rule(org="union__", person="member__user_id", view="members.view")
class MembershipEvent(models.Model):
    """The membership's history. A transfer writes two rows, one on each side, so the old union
    keeps the record of who left it for where while the member is no longer in its scope."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=10, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    other_union = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("对方工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_name = models.CharField(_("对方单位"), max_length=100, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会籍记录")
        verbose_name_plural = _("会籍记录")
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["member", "on"], name="event_member_on"),
            models.Index(fields=["kind", "on"], name="event_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.member}"


class ImportMode(models.TextChoices):
    INSERT = "insert", _("只新增（已在库的身份证号作为错误行）")
    UPSERT = "upsert", _("新增并更新（已在本工会的会员按表格更新）")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("读取校验中")
    APPLYING = "applying", _("写入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


@scope.rule(org="union__", view="members.import")
class ImportJob(models.Model):
    """One roster import: the uploaded file, its progress and its result.

    Rows are read, validated and staged (`ImportRow`) in committed chunks, so the page can show
    progress and other users can write meanwhile; the registry itself changes only in the final
    step, one transaction of set-based SQL — the import lands whole or not at all.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    union = models.ForeignKey("orgs.OrgNode", verbose_name=_("导入到"), on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("文件名"), max_length=200)
    stored = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    mode = models.CharField(_("方式"), max_length=10, choices=ImportMode.choices, default=ImportMode.INSERT)
    dry_run = models.BooleanField(_("仅检查"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    rows_read = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    rejects = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The process running the job ("host:pid") and its last sign of life: a job whose process
    # is gone is marked failed by `tasks.reap_stale`.
    worker = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("会员导入")
        verbose_name_plural = _("会员导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"


class ImportRow(models.Model):
    """A validated roster row waiting for its import's final step (values already sealed)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField()
    action = models.CharField(max_length=10)  # insert, update, rejoin
    member_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=50)
    name_tail1 = models.CharField(max_length=50, blank=True)
    name_tail2 = models.CharField(max_length=50, blank=True)
    pinyin = models.CharField(max_length=120, blank=True)
    initials = models.CharField(max_length=30, blank=True)
    id_number = models.TextField()
    id_hash = models.CharField(max_length=64)
    id_tail4 = models.CharField(max_length=32, blank=True)
    id_tail5 = models.CharField(max_length=32, blank=True)
    id_tail6 = models.CharField(max_length=32, blank=True)
    sex = models.CharField(max_length=1)
    birth_date = models.DateField()
    ethnicity = models.CharField(max_length=20, blank=True)
    political_status = models.CharField(max_length=10, blank=True)
    education = models.CharField(max_length=10, blank=True)
    phone = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    team_id = models.BigIntegerField(null=True)
    job_category = models.CharField(max_length=10, blank=True)
    occupation = models.CharField(max_length=50, blank=True)
    skill_level = models.CharField(max_length=1, blank=True)
    new_form_group = models.CharField(max_length=10, blank=True)
    migrant = models.BooleanField(default=False)
    joined_on = models.DateField()
    card_number = models.CharField(max_length=30, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "action"], name="importrow_job_action")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


@scope.rule(org="org__", view="members.import")
class ValueMapping(models.Model):
    """What a union's rosters mean by a word the registry does not know (“操作岗” → 一线工人).

    Chosen on the import preview (or `import_members --map`) and applied to that union's next
    rosters. `raw_value` is kept folded (no spaces, case-folded) as the importer compares it;
    an empty `value` means “leave the field empty, without a warning”."""

    org = models.ForeignKey("orgs.OrgNode", verbose_name=_("工会"), on_delete=models.CASCADE, related_name="+")
    column = models.CharField(_("列"), max_length=30)
    raw_value = models.CharField(_("原值"), max_length=100)
    value = models.CharField(_("取值"), max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("名册取值对照")
        verbose_name_plural = _("名册取值对照")
        constraints = [
            models.UniqueConstraint(fields=["org", "column", "raw_value"], name="valuemapping_org_column_raw"),
        ]

    def __str__(self) -> str:
        return f"{self.column}：{self.raw_value} → {self.value or '（留空）'}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("导出中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """A large registry export, written by a background job to a file its user downloads.

    Only its user ever sees it (the views filter by `actor`): the file was made with that user's
    scope and right to reveal. The job keeps the list filters, not the rows; it runs the same
    selector as the page, as its user, when it starts. Files are deleted after
    `MEMBER_EXPORT_KEEP_HOURS`."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filters = models.JSONField(default=dict, blank=True)
    described = models.JSONField(default=dict, blank=True)  # the filters in words, as the audit log has them
    format = models.CharField(_("格式"), max_length=4)
    reveal = models.BooleanField(_("完整号码"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    total = models.PositiveIntegerField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    stored = models.CharField(max_length=300, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("会员名册导出")
        verbose_name_plural = _("会员名册导出")
        indexes = [models.Index(fields=["actor", "-created_at"], name="members_export_actor_idx")]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"
