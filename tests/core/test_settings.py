"""Settings come from the environment; a bad value stops start-up with a clear message."""

import os
import subprocess
import sys

import pytest

from gefeng.env import EnvError, env_bool, env_choice, env_int, env_list


def test_typed_readers():
    env = {"A": "true", "B": "否", "N": " 42 ", "L": "a, b,,c", "C": "INFO"}
    assert env_bool("A", False, env) is True
    assert env_bool("B", True, env) is False
    assert env_bool("MISSING", True, env) is True
    assert env_int("N", 1, environ=env) == 42
    assert env_list("L", [], env) == ["a", "b", "c"]
    assert env_choice("C", "INFO", ("INFO", "DEBUG"), env) == "INFO"


@pytest.mark.parametrize(
    ("reader", "message"),
    [
        (lambda: env_bool("X", False, {"X": "maybe"}), "X="),
        (lambda: env_int("X", 1, environ={"X": "ten"}), "整数"),
        (lambda: env_int("X", 1, minimum=5, environ={"X": "2"}), "不能小于 5"),
        (lambda: env_choice("X", "a", ("a", "b"), {"X": "c"}), "之一"),
    ],
)
def test_bad_values_raise_with_chinese_message(reader, message):
    with pytest.raises(EnvError) as exc:
        reader()
    assert message in str(exc.value)


def _start(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("GEFENG_") and k != "PYTEST_VERSION"}
    base |= {"GEFENG_ENV_FILE": str(tmp_path / "none.env")} | env
    base.setdefault("GEFENG_DATA_DIR", str(tmp_path))
    return subprocess.run(
        [sys.executable, "-m", "gefeng.cli", "check"], env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"GEFENG_DATABASE_URL": "mysql://root@localhost/x"}, "GEFENG_DATABASE_URL"),
        ({"GEFENG_PRODUCTION": "true"}, "GEFENG_SECRET_KEY"),
        ({"GEFENG_PRODUCTION": "true", "GEFENG_SECRET_KEY": "x" * 60}, "GEFENG_PII_KEY"),
        ({"GEFENG_PII_KEY": "not base64!"}, "base64"),
        ({"GEFENG_PII_KEY": "c2hvcnQ="}, "32 字节"),
        ({"GEFENG_PRODUCTION": "1", "GEFENG_DEBUG": "1"}, "GEFENG_DEBUG"),
        ({"GEFENG_LOCKOUT_FAILURES": "zero"}, "GEFENG_LOCKOUT_FAILURES"),
    ],
)
def test_bad_environment_stops_start_up(tmp_path, env, needle):
    result = _start(tmp_path, **env)
    assert result.returncode == 2, result.stderr
    assert "配置错误" in result.stderr and needle in result.stderr
    assert "Traceback" not in result.stderr


def test_defaults_start_with_sqlite_in_the_data_folder(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists() and (tmp_path / "pii_key").exists()
    assert oct((tmp_path / "pii_key").stat().st_mode)[-3:] == "600"


def test_production_with_keys_starts(tmp_path):
    import base64

    result = _start(
        tmp_path,
        GEFENG_PRODUCTION="true",
        GEFENG_SECRET_KEY="s" * 60,
        GEFENG_PII_KEY=base64.b64encode(b"p" * 32).decode(),
        GEFENG_ALLOWED_HOSTS="gefeng.pei.gov",
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_env_example_is_a_valid_configuration(tmp_path):
    from django.conf import settings

    example = settings.REPO_DIR / ".env.example"
    result = _start(tmp_path, GEFENG_ENV_FILE=str(example))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GEFENG_TRUSTED_PROXIES": "10.0.0.5,proxy.local"}, "GEFENG_TRUSTED_PROXIES"),
        ({"GEFENG_MIGRATE_DATABASE_URL": "sqlite:///x.db"}, "GEFENG_MIGRATE_DATABASE_URL"),
        ({"GEFENG_PASSWORD_HISTORY": "99"}, "GEFENG_PASSWORD_HISTORY"),
        ({"GEFENG_REPLICA_DATABASE_URL": "sqlite:///r.db"}, "GEFENG_REPLICA_DATABASE_URL"),
        ({"GEFENG_CACHE": "redis"}, "GEFENG_CACHE"),
    ],
)
def test_security_settings_refuse_bad_values(tmp_path, env, message):
    result = _start(tmp_path, **env)
    assert result.returncode != 0 and message in result.stderr
