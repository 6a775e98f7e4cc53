"""gefeng settings, read from GEFENG_* environment variables (see .env.example).

Nothing here is edited per installation: an administrator sets environment variables (or a
`.env` file beside the data folder) and a wrong value stops start-up with a clear message.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url

from gefeng.core.backup.retention import parse as parse_retention
from gefeng.env import EnvError, env_bool, env_choice, env_fraction, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines of a .env file into the environment; real variables win."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(Path(os.environ.get("GEFENG_ENV_FILE", REPO_DIR / ".env")))

PRODUCTION = env_bool("GEFENG_PRODUCTION", False)
DEBUG = env_bool("GEFENG_DEBUG", False)
if PRODUCTION and DEBUG:
    raise EnvError(
        "生产模式下不能开启调试：请删除 GEFENG_DEBUG 或设为 false。 (GEFENG_DEBUG must be off in production)"
    )
# pytest sets PYTEST_VERSION before it loads Django; GEFENG_TESTING forces it elsewhere.
TESTING = env_bool("GEFENG_TESTING", "PYTEST_VERSION" in os.environ)

DATA_DIR = Path(env_str("GEFENG_DATA_DIR") or str(REPO_DIR / "data")).expanduser().resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise EnvError(f"数据目录 GEFENG_DATA_DIR={DATA_DIR} 无法创建：{exc}") from None


def _secret_from_file(name: str, make: str) -> str:
    """Outside production a missing key is generated once and kept in the data folder."""
    path = DATA_DIR / name
    if not path.exists():
        path.write_text(make, encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = env_str("GEFENG_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise EnvError("生产模式必须设置 GEFENG_SECRET_KEY（至少 50 个随机字符）。 (GEFENG_SECRET_KEY is required)")
    SECRET_KEY = _secret_from_file("secret_key", secrets.token_urlsafe(50))
if PRODUCTION and len(SECRET_KEY) < 50:
    raise EnvError("GEFENG_SECRET_KEY 太短：生产模式至少 50 个字符。 (GEFENG_SECRET_KEY must be ≥ 50 characters)")

# Personal-data key: 32 bytes, base64. Separate from SECRET_KEY so rotating one never exposes the other.
_pii_key = env_str("GEFENG_PII_KEY")
if not _pii_key:
    if PRODUCTION:
        raise EnvError(
            "生产模式必须设置 GEFENG_PII_KEY（个人信息加密密钥，32 字节的 base64，"
            "可用 `gefeng genkey` 生成）。 (GEFENG_PII_KEY is required)"
        )
    _pii_key = _secret_from_file("pii_key", base64.b64encode(secrets.token_bytes(32)).decode())
try:
    PII_KEY = base64.b64decode(_pii_key, validate=True)
except ValueError:
    raise EnvError("GEFENG_PII_KEY 不是有效的 base64。 (GEFENG_PII_KEY must be base64)") from None
if len(PII_KEY) != 32:
    raise EnvError(f"GEFENG_PII_KEY 应为 32 字节，实际 {len(PII_KEY)} 字节。 (GEFENG_PII_KEY must decode to 32 bytes)")
if _pii_key == SECRET_KEY:
    raise EnvError("GEFENG_PII_KEY 不能与 GEFENG_SECRET_KEY 相同。 (the two keys must differ)")

ALLOWED_HOSTS = env_list("GEFENG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise EnvError("生产模式必须设置 GEFENG_ALLOWED_HOSTS（服务器的域名或 IP，逗号分隔）。")
CSRF_TRUSTED_ORIGINS = env_list("GEFENG_CSRF_TRUSTED_ORIGINS", [])
HTTPS = env_bool("GEFENG_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "gefeng.core",
    "gefeng.orgs",
    "gefeng.accounts",
    "gefeng.members",
    "gefeng.reform",
    "gefeng.supervision",
    "gefeng.honours",
    "gefeng.talent",
    "gefeng.allowances",
    "gefeng.care",
    "gefeng.rights",
    "gefeng.skills",
    "gefeng.democracy",
    "gefeng.learning",
    "gefeng.workers",
    "gefeng.api",
]

MIDDLEWARE = [
    "gefeng.core.security.ProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "gefeng.core.middleware.RequestSizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gefeng.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gefeng.accounts.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gefeng.urls"
WSGI_APPLICATION = "gefeng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gefeng.core.context_processors.shell",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'gefeng.sqlite3'}"
_db_url = env_str("GEFENG_DATABASE_URL", _default_db) or _default_db
if not _db_url.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise EnvError(
        f"GEFENG_DATABASE_URL={_db_url!r} 无效：应以 sqlite:/// 或 postgres:// 开头。"
        " (GEFENG_DATABASE_URL must be a sqlite:/// or postgres:// URL)"
    )
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=600, conn_health_checks=True)
except ValueError as exc:
    raise EnvError(f"GEFENG_DATABASE_URL 无法解析：{exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets readers go on while an import writes; IMMEDIATE avoids lock-upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    _db.setdefault("TEST", {})["NAME"] = env_str("GEFENG_TEST_SQLITE", "") or None
else:
    _db["ENGINE"] = "django.db.backends.postgresql"
DATABASES = {"default": _db}

# A streaming replica of the primary for read-only work (figures, exports, searches): core.replica.
_replica_url = env_str("GEFENG_REPLICA_DATABASE_URL")
if _replica_url:
    if not _replica_url.startswith(("postgres://", "postgresql://")) or _db["ENGINE"].endswith("sqlite3"):
        raise EnvError(
            "GEFENG_REPLICA_DATABASE_URL 只用于 PostgreSQL，且 GEFENG_DATABASE_URL 也须是 postgres:// 地址。"
            " (GEFENG_REPLICA_DATABASE_URL is for PostgreSQL only)"
        )
    try:
        _replica = dj_database_url.parse(_replica_url, conn_max_age=600, conn_health_checks=True)
    except ValueError as exc:
        raise EnvError(f"GEFENG_REPLICA_DATABASE_URL 无法解析：{exc}") from None
    _replica["ENGINE"] = "django.db.backends.postgresql"
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the primary through the replica's alias
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["gefeng.core.replica.ReplicaRouter"]

# Caches: one process (`local`, the default: a county on one server) or shared by several app
# servers through a table of the database (`database`; created by `gefeng migrate`).
_cache = env_str("GEFENG_CACHE", "local") or "local"
if _cache not in ("local", "database"):
    raise EnvError(f"GEFENG_CACHE={_cache!r} 无效：应为 local 或 database。 (GEFENG_CACHE must be local or database)")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gefeng_cache"}
        if _cache == "database"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gefeng"}
    )
}

# The tables' owner, for `gefeng migrate` (and `gefeng serve` when it migrates) only; the
# application itself connects with GEFENG_DATABASE_URL as a role that owns nothing (core.dbroles).
_migrate_url = env_str("GEFENG_MIGRATE_DATABASE_URL")
MIGRATE_DATABASE: dict[str, object] = {}
if _migrate_url:
    if not _migrate_url.startswith(("postgres://", "postgresql://")) or _db["ENGINE"].endswith("sqlite3"):
        raise EnvError(
            "GEFENG_MIGRATE_DATABASE_URL 只用于 PostgreSQL，且 GEFENG_DATABASE_URL 也须是 postgres:// 地址。"
            " (GEFENG_MIGRATE_DATABASE_URL is for PostgreSQL only)"
        )
    try:
        _owner = dj_database_url.parse(_migrate_url)
    except ValueError as exc:
        raise EnvError(f"GEFENG_MIGRATE_DATABASE_URL 无法解析：{exc}") from None
    _owner_fields: dict[str, object] = dict(_owner)
    # Only who logs in and where: the database itself is GEFENG_DATABASE_URL's (and the test
    # runner's own test database), so the owner's URL can never send a migration elsewhere.
    MIGRATE_DATABASE = {k: _owner_fields[k] for k in ("USER", "PASSWORD", "HOST", "PORT") if k in _owner_fields}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gefeng.accounts.backends.GuardedModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "gefeng.accounts.hashers.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

# How many Argon2 hashes (100 MiB of memory each) one process computes at once (accounts/hashers.py).
PASSWORD_HASH_CONCURRENCY = env_int("GEFENG_PASSWORD_HASH_CONCURRENCY", 1, minimum=1, maximum=16)
# Login security (等保 2.0 身份鉴别); every number is a setting.
PASSWORD_MIN_LENGTH = env_int("GEFENG_PASSWORD_MIN_LENGTH", 8, minimum=6, maximum=64)
PASSWORD_MIN_CLASSES = env_int("GEFENG_PASSWORD_MIN_CLASSES", 3, minimum=1, maximum=4)
PASSWORD_MAX_AGE_DAYS = env_int("GEFENG_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
# How many earlier passwords a change may not return to (the current one included); 0 = off.
PASSWORD_HISTORY = env_int("GEFENG_PASSWORD_HISTORY", 5, minimum=0, maximum=24)
LOCKOUT_FAILURES = env_int("GEFENG_LOCKOUT_FAILURES", 5, minimum=1)
# An address is shared by a whole office behind its gateway: its own, higher limit (the failures of
# every account from it), so that a few typos at 8:30 do not lock the office out.
LOCKOUT_ADDRESS_FAILURES = env_int("GEFENG_LOCKOUT_ADDRESS_FAILURES", 20, minimum=1)
LOCKOUT_MINUTES = env_int("GEFENG_LOCKOUT_MINUTES", 15, minimum=1)
SESSION_IDLE_MINUTES = env_int("GEFENG_SESSION_IDLE_MINUTES", 30, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gefeng.accounts.validators.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The stored session outlives the idle limit by a working day: the idle check in
# accounts.middleware then still finds it and tells the user why they were logged out; a
# session that expired in the store would come back as a plain anonymous visit.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("GEFENG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("GEFENG_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXIES = env_list("GEFENG_TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise EnvError(
            f"GEFENG_TRUSTED_PROXIES 中的 {_proxy!r} 不是 IP 地址或网段（如 10.0.0.5 或 10.0.0.0/24）。"
            " (GEFENG_TRUSTED_PROXIES must list addresses or networks)"
        ) from None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Uploaded files (evidence, attachments, rosters' reports) hold personal data: readable by the
# service user only, whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
UPLOAD_MAX_MB = env_int("GEFENG_UPLOAD_MAX_MB", 50, minimum=1)
API_TOKEN_DAYS = env_int("GEFENG_API_TOKEN_DAYS", 180, minimum=1, maximum=366)
IMPORT_RETENTION_DAYS = env_int("GEFENG_IMPORT_RETENTION_DAYS", 30, minimum=1)
# 会员名册导出: more rows than this are written by a background job; its file is kept this many hours.
MEMBER_EXPORT_DIRECT_ROWS = env_int("GEFENG_MEMBER_EXPORT_DIRECT_ROWS", 50_000, minimum=100)
MEMBER_EXPORT_KEEP_HOURS = env_int("GEFENG_MEMBER_EXPORT_KEEP_HOURS", 24, minimum=1)
# What an uploaded table may hold, checked before it is read (core.tabular_guard), and the
# memory and CPU time of the child process that reads it (core.tabular_isolated).
IMPORT_MAX_ROWS = env_int("GEFENG_IMPORT_MAX_ROWS", 1_048_576, minimum=100)
IMPORT_MAX_COLUMNS = env_int("GEFENG_IMPORT_MAX_COLUMNS", 16_384, minimum=20)
IMPORT_MAX_CELLS = env_int("GEFENG_IMPORT_MAX_CELLS", 30_000_000, minimum=10_000)
IMPORT_MAX_UNPACKED_MB = env_int("GEFENG_IMPORT_MAX_UNPACKED_MB", 1024, minimum=1)
IMPORT_MAX_RATIO = env_int("GEFENG_IMPORT_MAX_RATIO", 200, minimum=10)
IMPORT_READ_MEMORY_MB = env_int("GEFENG_IMPORT_READ_MEMORY_MB", 2048, minimum=256)
IMPORT_READ_SECONDS = env_int("GEFENG_IMPORT_READ_SECONDS", 600, minimum=10)
# An import whose worker process is gone, or silent this long, is marked failed (tasks.reap_stale).
IMPORT_STALE_MINUTES = env_int("GEFENG_IMPORT_STALE_MINUTES", 120, minimum=5)

# 产改责任清单 (reform)
REFORM_DUE_DAYS = env_int("GEFENG_REFORM_DUE_DAYS", 5, minimum=0, maximum=60)
REFORM_EVIDENCE_MAX_MB = env_int("GEFENG_REFORM_EVIDENCE_MAX_MB", 20, minimum=1)
REFORM_LAG_TOLERANCE = float(env_fraction("GEFENG_REFORM_LAG_TOLERANCE", "0.25"))
REFORM_REMIND_DAYS = env_int("GEFENG_REFORM_REMIND_DAYS", 5, minimum=1, maximum=60)

# 督办、通报、年终考评 (supervision)
SUPERVISION_UPLOAD_MAX_MB = env_int("GEFENG_SUPERVISION_UPLOAD_MAX_MB", 20, minimum=1)
SUPERVISION_UPLOAD_MAX_FILES = env_int("GEFENG_SUPERVISION_UPLOAD_MAX_FILES", 10, minimum=1)
SUPERVISION_ADVANCED_UNITS = env_int("GEFENG_SUPERVISION_ADVANCED_UNITS", 8, minimum=1)
SUPERVISION_LAGGARD_ON_TIME = env_fraction("GEFENG_SUPERVISION_LAGGARD_ON_TIME", "0.8")
SUPERVISION_OFFICE_NAME = env_str("GEFENG_SUPERVISION_OFFICE_NAME") or "沛县产业工人队伍建设改革工作联席会议办公室"
SUPERVISION_DOC_PREFIX = env_str("GEFENG_SUPERVISION_DOC_PREFIX") or "沛产改办"
SUPERVISION_CIRCULAR_TEMPLATE = env_str("GEFENG_SUPERVISION_CIRCULAR_TEMPLATE")

# 选树表彰 (honours)
HONOURS_NOTICE_DAYS = env_int("GEFENG_HONOURS_NOTICE_DAYS", 5, minimum=1, maximum=60)
HONOURS_UPLOAD_MAX_MB = env_int("GEFENG_HONOURS_UPLOAD_MAX_MB", 10, minimum=1)
HONOURS_CLEARANCES = env_list(
    "GEFENG_HONOURS_CLEARANCES", ["discipline", "safety", "environment", "tax", "social_insurance"]
)
HONOURS_PDF_FONTS = env_str("GEFENG_HONOURS_PDF_FONTS") or "Noto Serif CJK SC, Noto Sans CJK SC"
HONOURS_NOTICE_TEMPLATE = env_str("GEFENG_HONOURS_NOTICE_TEMPLATE")
HONOURS_PUBLIC_OBJECTIONS_PER_HOUR = env_int("GEFENG_HONOURS_PUBLIC_OBJECTIONS_PER_HOUR", 5, minimum=1)
HONOURS_PUBLIC_OBJECTIONS_PER_DAY = env_int("GEFENG_HONOURS_PUBLIC_OBJECTIONS_PER_DAY", 200, minimum=1)
HONOURS_CERTIFICATE_PREFIX = env_str("GEFENG_HONOURS_CERTIFICATE_PREFIX") or "PX"
# A request body larger than this is refused from its Content-Length before it is read
# (core.middleware.RequestSizeMiddleware): the largest upload any page takes, plus the form.
REQUEST_MAX_MB = env_int(
    "GEFENG_REQUEST_MAX_MB",
    max(
        UPLOAD_MAX_MB,
        REFORM_EVIDENCE_MAX_MB,
        HONOURS_UPLOAD_MAX_MB,
        SUPERVISION_UPLOAD_MAX_MB * SUPERVISION_UPLOAD_MAX_FILES,
    )
    + 1,
    minimum=1,
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# 备份 (gefeng backup --scheduled): where dated archives go and how many are kept.
BACKUP_DIR = Path(env_str("GEFENG_BACKUP_DIR") or str(DATA_DIR / "backups")).expanduser().resolve()
_backup_keep = env_str("GEFENG_BACKUP_KEEP", "7d,4w")
try:
    BACKUP_KEEP = parse_retention(_backup_keep)
except ValueError as exc:
    raise EnvError(f"GEFENG_BACKUP_KEEP={_backup_keep!r} 无效：{exc}") from None

SERVE_BIND = env_str("GEFENG_BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("GEFENG_WORKERS", 2, minimum=1, maximum=64)
SERVE_THREADS = env_int("GEFENG_THREADS", 4, minimum=1, maximum=64)

LOG_LEVEL = env_choice("GEFENG_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
if not HTTPS:
    # An intranet server behind plain HTTP is a deliberate choice recorded in GEFENG_HTTPS.
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]
