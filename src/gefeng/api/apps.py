from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gefeng.api"
    label = "api"
    verbose_name = "接口"
