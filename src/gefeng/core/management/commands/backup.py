from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from gefeng.core.backup import retention, run
from gefeng.core.context import RequestInfo, acting_from


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


class Command(BaseCommand):
    help = (
        "在平台运行时备份数据库和上传的文件（一个 .tar.gz 文件，附清单和校验和）；"
        "--scheduled 写入 GEFENG_BACKUP_DIR 并按 GEFENG_BACKUP_KEEP 删除旧备份。备份中不含密钥。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="备份文件路径，如 /backup/gefeng-2026-12-07.tar.gz")
        parser.add_argument(
            "--scheduled", action="store_true", help="定时备份：写入 GEFENG_BACKUP_DIR，文件名带日期，并按保留规则清理"
        )
        parser.add_argument("--overwrite", action="store_true", help="文件已存在时覆盖")

    def handle(self, *args, **opts):
        if bool(opts["file"]) == bool(opts["scheduled"]):
            raise CommandError("请给出备份文件路径（gefeng backup 文件），或使用 --scheduled（二者选一）。")
        pruned: list[Path] = []
        try:
            with acting_from(RequestInfo(source="cli")):
                if opts["scheduled"]:
                    created, pruned = run.scheduled()
                else:
                    created = run.create(Path(opts["file"]), overwrite=opts["overwrite"])
        except run.BackupError as exc:
            raise CommandError(str(exc)) from None
        m = created.manifest
        rows = sum(m["tables"].values())
        files = sum(m["files"].values())
        self.stdout.write(
            f"备份完成：{created.path}（{_size(created.size)}；{len(m['tables'])} 张数据表共 {rows} 行，"
            f"上传文件 {files} 个；版本 {m['version']}）。"
        )
        if opts["scheduled"]:
            rules = "、".join(f"{n} {retention.UNITS[u]}" for u, n in settings.BACKUP_KEEP.items()) or "全部保留"
            self.stdout.write(f"保留规则（GEFENG_BACKUP_KEEP）：{rules}；删除旧备份 {len(pruned)} 个。")
            for path in pruned:
                self.stdout.write(f"  已删除 {path.name}")
        self.stdout.write(run.KEY_NOTICE)
