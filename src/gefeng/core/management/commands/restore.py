from __future__ import annotations

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from gefeng.core.backup import run
from gefeng.core.context import RequestInfo, acting_from


class Command(BaseCommand):
    help = (
        "从 gefeng backup 生成的备份恢复数据库和上传的文件（只写入空数据库；--force 清空后覆盖），"
        "然后执行数据库迁移。--check 只检查备份，不做改动。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径")
        parser.add_argument("--check", action="store_true", help="只检查备份文件（完整性、密钥、版本），不恢复")
        parser.add_argument("--force", action="store_true", help="目标数据库不是空的时，先清空再恢复（会要求确认）")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="不询问确认（与 --force 同用）"
        )

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        try:
            with acting_from(RequestInfo(source="cli")):
                if opts["check"]:
                    manifest = run.inspect(path)
                else:
                    manifest = run.restore(
                        path, force=opts["force"], confirm=self._confirm(opts), say=self.stdout.write
                    )
        except run.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        files = sum(manifest["files"].values())
        summary = (
            f"备份 {path.name}：{manifest['created_at']} 由版本 {manifest['version']} 生成，"
            f"{len(manifest['tables'])} 张数据表共 {rows} 行，上传文件 {files} 个"
        )
        if opts["check"]:
            self.stdout.write(f"{summary}；校验和、密钥和数据库版本检查均通过，可以恢复。")
        else:
            self.stdout.write(f"恢复完成。{summary}。")

    def _confirm(self, opts):
        if not opts["interactive"]:
            return lambda question: True

        def ask(question: str) -> bool:
            try:
                return input(question).strip().lower() == "yes"
            except EOFError:
                return False

        return ask
