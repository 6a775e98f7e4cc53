import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError

from gefeng.accounts.models import User
from gefeng.core import scope
from gefeng.core.models import AuditEntry


@pytest.mark.parametrize(
    ("duty", "superuser", "roles"),
    [("system", True, set()), ("security", False, {"security_admin"}), ("audit", False, {"auditor"})],
)
def test_createadmin_makes_each_of_the_three_duties(tree, monkeypatch, duty, superuser, roles):
    monkeypatch.setenv("ADMIN_PW", "Strong#Pass2026")
    call_command("createadmin", "--duty", duty, "--username", f"{duty}-admin", "--password-env", "ADMIN_PW")
    user = User.objects.get(username=f"{duty}-admin")
    assert user.is_superuser is superuser and user.role_codes() == roles
    assert user.org == tree.county and user.must_change_password
    entry = AuditEntry.objects.get(action="accounts.user.created", object_id=str(user.pk))
    assert entry.source == "cli"


def test_createadmin_refuses_a_weak_password_and_writes_nothing(tree, monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "password")
    with pytest.raises(CommandError) as exc:
        call_command("createadmin", "--username", "weak", "--password-env", "ADMIN_PW")
    assert "密码" in str(exc.value)
    assert not User.objects.filter(username="weak").exists()


def test_createadmin_refuses_an_unknown_org(tree, monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "Strong#Pass2026")
    with pytest.raises(CommandError):
        call_command("createadmin", "--username", "x", "--org", "999999", "--password-env", "ADMIN_PW")


def test_system_administrator_made_by_the_command_lacks_the_audit_duty(tree, monkeypatch):
    monkeypatch.setenv("ADMIN_PW", "Strong#Pass2026")
    call_command("createadmin", "--username", "root2", "--password-env", "ADMIN_PW")
    admin = User.objects.get(username="root2")
    assert not scope.has_perm(admin, "audit.view") and scope.has_perm(admin, "orgs.change")


def test_deploy_check_refuses_active_demo_accounts_in_production(personas, settings, tmp_path):
    settings.PRODUCTION = True
    settings.DATA_DIR = tmp_path
    tmp_path.chmod(0o700)  # a data folder other users can read is an error of its own (gefeng.E103)
    User.objects.filter(username="county").update(is_demo=True)
    with pytest.raises(SystemCheckError) as exc:
        call_command("check", "--deploy")
    assert "gefeng.E001" in str(exc.value)
    User.objects.filter(is_demo=True).update(is_active=False)
    # On PostgreSQL the test database is reached as a superuser, which is an error of its own
    # (gefeng.E003); what this test asks is only that the demo accounts no longer block.
    try:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    except SystemCheckError as again:
        assert "gefeng.E001" not in str(again)
        assert "gefeng.E003" in str(again)


def test_console_command_without_arguments_prints_its_help():
    out = subprocess.run([sys.executable, "-m", "gefeng.cli"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "gefeng serve" in out.stdout and "gefeng createadmin" in out.stdout


def test_genkey_prints_usable_keys(capsys):
    import base64

    call_command("genkey")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    assert len(lines["GEFENG_SECRET_KEY"]) >= 50
    assert len(base64.b64decode(lines["GEFENG_PII_KEY"])) == 32


def test_setpassword_resets_an_administrator_from_the_console(personas, monkeypatch):
    from gefeng.accounts.models import UserSession

    monkeypatch.setenv("NEW_PW", "Console#Reset2026")
    UserSession.objects.create(session_key="k" * 32, user=personas["security"])
    call_command("setpassword", "--username", "security", "--password-env", "NEW_PW")
    user = User.objects.get(username="security")
    assert user.check_password("Console#Reset2026") and user.must_change_password
    assert UserSession.objects.get(session_key="k" * 32).ended_at is not None
    entry = AuditEntry.objects.get(action="accounts.password.reset", object_id=str(user.pk))
    assert entry.source == "cli" and entry.actor is None


def test_setpassword_refuses_weak_passwords(personas, monkeypatch):
    monkeypatch.setenv("NEW_PW", "abc")
    with pytest.raises(CommandError):
        call_command("setpassword", "--username", "security", "--password-env", "NEW_PW")
