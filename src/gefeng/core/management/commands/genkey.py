import base64
import secrets

from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "生成新的 GEFENG_SECRET_KEY 与 GEFENG_PII_KEY，写入服务器的环境变量或 .env。"
    requires_system_checks: list = []

    def handle(self, *args, **opts):
        self.stdout.write(f"GEFENG_SECRET_KEY={secrets.token_urlsafe(50)}")
        self.stdout.write(f"GEFENG_PII_KEY={base64.b64encode(secrets.token_bytes(32)).decode()}")
