"""`gefeng`: the one command for a server administrator.

gefeng serve            start the web server (gunicorn; migrations and static files first)
gefeng demo             load or reset the demo county (idempotent)
gefeng createadmin      create a system, security or audit administrator
gefeng figures --year Y the county's figures of a year, as JSON
gefeng genkey           print new values for GEFENG_SECRET_KEY and GEFENG_PII_KEY
gefeng check --deploy   Django's deployment checks plus gefeng's own
gefeng backup FILE      back up the database and uploads while running (--scheduled: dated, pruned)
gefeng restore FILE     check (--check) or restore a backup into an empty database, then migrate
gefeng <any Django management command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gefeng.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "gefeng"
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    if len(argv) == 1:
        print(__doc__)
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
