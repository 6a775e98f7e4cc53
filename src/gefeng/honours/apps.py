from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "gefeng.honours"
    label = "honours"
    verbose_name = "选树表彰"
