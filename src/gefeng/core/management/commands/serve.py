from __future__ import annotations

import atexit
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from gefeng.core import schema, startup


class Command(BaseCommand):
    help = "启动 Web 服务（先执行数据库迁移；生产模式下收集静态文件）。"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.SERVE_BIND, help="监听地址，默认 %(default)s")
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.SERVE_THREADS)
        parser.add_argument("--no-migrate", action="store_true", help="不执行数据库迁移")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="不在本机启动后台任务进程（另行运行 gefeng db_worker 时使用）",
        )

    def handle(self, *args, **opts):
        self._schema(migrate=not opts["no_migrate"])
        if settings.PRODUCTION:
            _refuse_unsafe_production()
            call_command("collectstatic", interactive=False, verbosity=0)
        startup.run()  # what the apps do at each start (e.g. fail imports cut off by the last stop)
        from gunicorn.app.base import BaseApplication

        from gefeng.wsgi import application

        bind = opts["bind"]

        class App(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", bind)
                self.cfg.set("workers", opts["workers"])
                self.cfg.set("threads", opts["threads"])
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", "-")
                self.cfg.set("timeout", 120)

            def load(self):
                return application

        worker = None
        if not opts["no_worker"]:
            # One server: the background worker (roster imports …) runs beside the web server.
            worker = subprocess.Popen([sys.executable, "-m", "gefeng.cli", "db_worker", "--no-reload", "-v", "0"])
            atexit.register(_stop, worker)
        self.stdout.write(f"歌风平台已启动：http://{bind}/  （按 Ctrl+C 停止）")
        try:
            App().run()
        finally:
            if worker is not None:
                _stop(worker)

    def _schema(self, *, migrate: bool) -> None:
        """Migrate a database that is behind; never start on one that is ahead of the code."""
        try:
            st = schema.state()
        except schema.SchemaError as exc:
            raise CommandError(str(exc)) from None
        if st.ahead:
            raise CommandError(schema.ahead_message(st))
        if not st.behind:
            return
        if not migrate:
            raise CommandError(
                f"{schema.behind_message(st)}请{'' if st.empty else '先备份（gefeng backup），再'}运行 gefeng migrate；"
                "或去掉 --no-migrate，由 gefeng serve 先执行迁移。"
            )
        self.stdout.write(f"{schema.behind_message(st)}正在执行数据库迁移……")
        call_command("migrate", interactive=False, verbosity=0)


def _refuse_unsafe_production() -> None:
    """Demo accounts, a published password, an application role that owns its tables: in
    production the server does not start until they are gone (`gefeng check --deploy` lists them)."""
    from gefeng.core.checks import production_blockers

    problems = production_blockers()
    if problems:
        raise CommandError("生产模式下拒绝启动：\n- " + "\n- ".join(problems))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
