"""The service files in deploy/ and the checks `gefeng check --deploy` runs against them."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from gefeng.core import deploy_checks

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = (DEPLOY / "nginx" / "gefeng.conf").read_text(encoding="utf-8")


def ids(problems):
    return sorted(p.id for p in problems)


@pytest.fixture
def shipped(settings):
    """The settings deploy/ is written for."""
    settings.STATIC_ROOT = Path("/var/lib/gefeng/static")
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.HTTPS = True
    settings.UPLOAD_MAX_MB = 50
    settings.REQUEST_MAX_MB = 201
    return settings


def test_shipped_nginx_site_agrees_with_the_settings(shipped):
    assert deploy_checks.check_nginx(NGINX, "gefeng.conf") == []


def test_nginx_upload_limit_below_the_platforms_is_an_error(shipped):
    text = NGINX.replace("client_max_body_size 205m;", "client_max_body_size 10m;")
    problems = deploy_checks.check_nginx(text, "gefeng.conf")
    assert ids(problems) == ["gefeng.E101"]
    assert "10m" in problems[0].msg and "201 MB" in problems[0].msg


def test_nginx_default_upload_limit_counts_as_one_megabyte(shipped):
    text = NGINX.replace("client_max_body_size 205m;", "")
    assert ids(deploy_checks.check_nginx(text, "gefeng.conf")) == ["gefeng.E101"]


def test_a_larger_module_limit_raises_the_required_size(shipped):
    shipped.REFORM_EVIDENCE_MAX_MB = 300
    assert ids(deploy_checks.check_nginx(NGINX, "gefeng.conf")) == ["gefeng.E101"]


def test_forwarded_address_without_trusted_proxies_is_an_error(shipped):
    shipped.TRUSTED_PROXIES = []
    assert ids(deploy_checks.check_nginx(NGINX, "gefeng.conf")) == ["gefeng.E102"]


def test_static_alias_and_timeout_and_proto_are_checked(shipped):
    text = (
        NGINX.replace("alias /var/lib/gefeng/static/;", "alias /srv/static/;")
        .replace("proxy_read_timeout 130s;", "proxy_read_timeout 30s;")
        .replace("proxy_set_header X-Forwarded-Proto $scheme;", "")
    )
    assert ids(deploy_checks.check_nginx(text, "gefeng.conf")) == ["gefeng.W102", "gefeng.W103", "gefeng.W104"]


def test_comments_do_not_count_as_directives():
    found = deploy_checks.nginx_directives("# client_max_body_size 1m;\nclient_max_body_size 2g; # big\n")
    assert found["client_max_body_size"] == ["2g"]


def test_check_deploy_reads_the_file_named_by_the_setting(shipped, tmp_path, monkeypatch):
    conf = tmp_path / "site.conf"
    conf.write_text(NGINX.replace("client_max_body_size 205m;", "client_max_body_size 512k;"), encoding="utf-8")
    monkeypatch.setenv("GEFENG_NGINX_CONF", str(conf))
    assert "gefeng.E101" in ids(deploy_checks.deployment_files(None))


def test_files_with_keys_readable_by_others_are_errors(settings, tmp_path, monkeypatch):
    env_file = tmp_path / "gefeng.env"
    env_file.write_text("GEFENG_PII_KEY=x\n", encoding="utf-8")
    env_file.chmod(0o644)
    monkeypatch.setenv("GEFENG_ENV_FILE", str(env_file))
    monkeypatch.setenv("GEFENG_NGINX_CONF", str(tmp_path / "missing.conf"))
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    settings.DATA_DIR = data
    settings.PRODUCTION = True
    found = ids(deploy_checks.deployment_files(None))
    assert "gefeng.E103" in found and "gefeng.E104" in found
    env_file.chmod(0o640)
    data.chmod(0o750)
    found = ids(deploy_checks.deployment_files(None))
    assert "gefeng.E103" not in found and "gefeng.E104" not in found


def _unit_commands(path: Path) -> list[list[str]]:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(path, encoding="utf-8")
    commands = []
    for key in ("ExecStartPre", "ExecStart"):
        if unit.has_option("Service", key):
            commands.append(shlex.split(unit.get("Service", key)))
    return commands


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_every_systemd_unit_runs_a_real_gefeng_command_with_valid_options(unit):
    commands = _unit_commands(DEPLOY / "systemd" / unit)
    assert commands, f"{unit} has no ExecStart"
    known = get_commands()
    for argv in commands:
        assert argv[0] == "/opt/gefeng/.venv/bin/gefeng"
        name, options = argv[1], argv[2:]
        assert name in known, f"{unit}: gefeng {name} does not exist"
        parser = load_command_class(known[name], name).create_parser("gefeng", name)
        for option in options:
            if option.startswith("--"):
                flag = option.split("=", 1)[0]
                assert flag in parser._option_string_actions, f"{unit}: gefeng {name} has no {flag}"
