"""Deployment checks of what the service files in `deploy/` rely on (`gefeng check --deploy`).

The systemd units and the nginx site assume a few settings agree with them: nginx must let the
largest allowed upload through, serve the collected static files from STATIC_ROOT, wait as long
as gunicorn does, and be trusted for the client's address; the files holding keys and personal
data must not be readable by other users of the server.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Where Debian's and RHEL's nginx look for sites; GEFENG_NGINX_CONF names another file.
NGINX_CANDIDATES = (
    "/etc/nginx/sites-enabled/gefeng.conf",
    "/etc/nginx/sites-enabled/gefeng",
    "/etc/nginx/conf.d/gefeng.conf",
)
GUNICORN_TIMEOUT = 120  # core/management/commands/serve.py
_SIZE = re.compile(r"^(\d+)([kKmMgG]?)$")
_SECONDS = re.compile(r"^(\d+)(ms|s|m)?$")


def _megabytes(value: str) -> float | None:
    m = _SIZE.match(value)
    if not m:
        return None
    number, unit = int(m.group(1)), m.group(2).lower()
    return {"": number / 1024 / 1024, "k": number / 1024, "m": number, "g": number * 1024}[unit]


def _seconds(value: str) -> float | None:
    m = _SECONDS.match(value)
    if not m:
        return None
    number, unit = int(m.group(1)), m.group(2) or "s"
    return {"ms": number / 1000, "s": number, "m": number * 60}[unit]


def nginx_directives(text: str) -> dict[str, list[str]]:
    """The values of the directives the platform depends on, in file order (comments dropped)."""
    found: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        for name in ("client_max_body_size", "proxy_read_timeout", "alias"):
            if line.startswith(name + " ") and line.endswith(";"):
                found.setdefault(name, []).append(line[len(name) : -1].strip())
        if line.startswith("proxy_set_header ") and line.endswith(";"):
            parts = line[:-1].split(None, 2)
            if len(parts) == 3:
                found.setdefault("header " + parts[1].lower(), []).append(parts[2].strip())
    return found


def nginx_conf_path() -> Path | None:
    configured = os.environ.get("GEFENG_NGINX_CONF", "")
    if configured:
        return Path(configured)
    for candidate in NGINX_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def largest_upload_mb() -> int:
    """The largest request the platform accepts (GEFENG_REQUEST_MAX_MB, else the upload limits)."""
    names = ("UPLOAD_MAX_MB", "REFORM_EVIDENCE_MAX_MB", "SUPERVISION_UPLOAD_MAX_MB", "HONOURS_UPLOAD_MAX_MB")
    largest = max(int(getattr(settings, name, 0) or 0) for name in names)
    return max(largest, int(getattr(settings, "REQUEST_MAX_MB", 0) or 0))


def check_nginx(text: str, source: str) -> list:
    """What a gefeng nginx site says against the settings (text of the file, its name for messages)."""
    problems: list = []
    d = nginx_directives(text)
    upload = largest_upload_mb()
    sizes = [_megabytes(v) for v in d.get("client_max_body_size", [])]
    size = sizes[-1] if sizes else 1.0  # nginx's default is 1m
    if size is not None and size < upload:
        problems.append(
            Error(
                f"{source}：client_max_body_size 为 {size:g}m，小于平台允许的最大上传 {upload} MB"
                f"（GEFENG_UPLOAD_MAX_MB 等）：较大的花名册会被 nginx 直接拒绝，用户只看到英文错误页。",
                hint=f"把 client_max_body_size 设为 {upload + 5}m 或调小上传上限。",
                id="gefeng.E101",
            )
        )
    static_root = str(settings.STATIC_ROOT).rstrip("/")
    aliases = [a.strip("\"'").rstrip("/") for a in d.get("alias", [])]
    if aliases and static_root not in aliases:
        problems.append(
            Warning(
                f"{source}：/static/ 指向 {aliases[0]}，而平台把静态文件收集到 {static_root}"
                "（GEFENG_DATA_DIR/static）：页面会缺少样式和脚本。",
                id="gefeng.W102",
            )
        )
    timeouts = [_seconds(v) for v in d.get("proxy_read_timeout", [])]
    timeout = timeouts[-1] if timeouts else 60.0
    if timeout is not None and timeout < GUNICORN_TIMEOUT:
        problems.append(
            Warning(
                f"{source}：proxy_read_timeout 为 {timeout:g} 秒，短于服务端的 {GUNICORN_TIMEOUT} 秒："
                "较慢的导出或报表会被 nginx 提前断开（504）。",
                id="gefeng.W103",
            )
        )
    if "header x-forwarded-for" in d and not settings.TRUSTED_PROXIES:
        problems.append(
            Error(
                f"{source} 转发 X-Forwarded-For，但未设置 GEFENG_TRUSTED_PROXIES：平台看到的来源地址都是"
                "代理的地址，审计日志记不到真实地址，一个人输错密码就会锁住所有人。",
                hint="设置 GEFENG_TRUSTED_PROXIES=127.0.0.1（nginx 与平台在同一台服务器时）。",
                id="gefeng.E102",
            )
        )
    if settings.HTTPS and "header x-forwarded-proto" not in d:
        problems.append(
            Warning(
                f"{source} 没有转发 X-Forwarded-Proto，而 GEFENG_HTTPS=true：平台无法判断请求经由 HTTPS，会反复跳转。",
                id="gefeng.W104",
            )
        )
    return problems


def _readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IROTH | stat.S_IWOTH))
    except OSError:
        return False


@register(Tags.security, deploy=True)
def deployment_files(app_configs, **kwargs) -> list:
    problems: list = []
    conf = nginx_conf_path()
    if conf is not None:
        try:
            problems += check_nginx(conf.read_text(encoding="utf-8", errors="replace"), str(conf))
        except OSError as exc:
            problems.append(Warning(f"无法读取 nginx 配置 {conf}：{exc}", id="gefeng.W105"))
    elif (
        settings.PRODUCTION
        and settings.SERVE_BIND.startswith(("127.", "localhost", "[::1]"))
        and not settings.TRUSTED_PROXIES
    ):
        problems.append(
            Warning(
                f"平台只监听本机（{settings.SERVE_BIND}），应当在反向代理之后，但未设置 GEFENG_TRUSTED_PROXIES。",
                hint="使用 deploy/nginx/gefeng.conf 时设置 GEFENG_TRUSTED_PROXIES=127.0.0.1。",
                id="gefeng.W106",
            )
        )
    data_dir = Path(settings.DATA_DIR)
    if settings.PRODUCTION and _readable_by_others(data_dir):
        problems.append(
            Error(
                f"数据目录 {data_dir} 对其他用户可读：其中有上传的花名册和数据库。",
                hint=f"chmod 0750 {data_dir}（deploy/systemd/gefeng.service 以 UMask=0077 运行）。",
                id="gefeng.E103",
            )
        )
    env_file = Path(os.environ.get("GEFENG_ENV_FILE", Path(settings.REPO_DIR) / ".env"))
    if env_file.is_file() and _readable_by_others(env_file):
        problems.append(
            Error(
                f"配置文件 {env_file} 对其他用户可读：其中可能有 GEFENG_PII_KEY 等密钥。",
                hint=f"chmod 0640 {env_file}",
                id="gefeng.E104",
            )
        )
    if settings.PRODUCTION and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        problems.append(
            Warning(
                "静态文件尚未收集：nginx 直接提供 /static/ 时页面会缺少样式（gefeng serve 启动时会自动收集）。",
                hint="gefeng collectstatic --noinput",
                id="gefeng.W107",
            )
        )
    return problems
