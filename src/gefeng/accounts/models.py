from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from gefeng.accounts.roles import ROLES, RoleCode
from gefeng.core import scope
from gefeng.core.pii import EncryptedCharField


@scope.rule(org="org__", person="id", view="accounts.view")
class User(AbstractUser):
    """A person who logs in. Belongs to one org node, which anchors the data scope of its roles."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    name = models.CharField(_("姓名"), max_length=50)
    org = models.ForeignKey(
        "orgs.OrgNode",
        verbose_name=_("所属组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = EncryptedCharField(_("手机号"), blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    totp_secret = EncryptedCharField(_("动态口令密钥"), blank=True)
    totp_enabled = models.BooleanField(_("已启用动态口令"), default=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)

    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.name}（{self.username}）" if self.name else self.username

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def role_codes(self) -> set[str]:
        """The roles in force: confirmed grants only (a pending grant gives nothing)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = (
                set(self.role_grants.filter(confirmed_at__isnull=False).values_list("role", flat=True))
                if self.pk
                else set()
            )
            self._role_codes = cached
        return cached

    def role_labels(self) -> list[str]:
        labels = [str(RoleCode(c).label) for c in sorted(self.role_codes()) if c in ROLES]
        if self.is_superuser:
            labels.insert(0, str(_("系统管理员")))
        return labels


@scope.rule(org="user__org__", person="user_id", view="accounts.view")
class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=30, choices=RoleCode.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    # A business role granted in the browser waits for a second person (the system
    # administrator) to confirm it; until then `confirmed_at` is empty and the role gives nothing.
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


@scope.rule(org="user__org__", person="user_id", view="loginlog.view")
class LoginEvent(models.Model):
    """Every login attempt; the lock-out counts failures from here (per account and per address)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("登录名"), max_length=150)
    success = models.BooleanField(_("成功"))
    reason = models.CharField(_("说明"), max_length=100, blank=True)
    ip = models.CharField(_("地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username", "at"], name="loginevent_user_at"),
            models.Index(fields=["ip", "at"], name="loginevent_ip_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'成功' if self.success else '失败'}"


@scope.rule(org="user__org__", person="user_id", view="sessions.manage")
class UserSession(models.Model):
    """A live login, so users and the security administrator can see and end sessions."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="live_sessions")
    ip = models.CharField(_("地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("登录时间"), auto_now_add=True)
    last_seen = models.DateTimeField(_("最近活动"), auto_now_add=True, db_index=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("在线会话")
        verbose_name_plural = _("在线会话")
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["user", "ended_at"], name="usersession_user_live")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.ip}"


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so a change cannot go back to one of the last N."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password = models.CharField(max_length=128)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        indexes = [models.Index(fields=["user", "at"], name="passwordhistory_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.at:%Y-%m-%d}"


class LoginThrottle(models.Model):
    """The lock-out counter of one account (`u:<username>`) or one address (`ip:<address>`).

    A login attempt takes a slot before its password is checked (under a row lock), so parallel
    attempts cannot all pass the check before the first failure is counted.
    """

    bucket = models.CharField(_("计数对象"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("失败次数"), default=0)
    window_start = models.DateTimeField(_("计数开始"))
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")
        # The locks in force (the login log lists locked addresses; the user list filters by them).
        indexes = [models.Index(fields=["locked_until"], name="loginthrottle_locked")]

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
