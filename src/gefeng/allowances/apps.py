from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "gefeng.allowances"
    label = "allowances"
    verbose_name = "劳模津贴"
