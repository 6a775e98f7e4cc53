from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "gefeng.reform"
    label = "reform"
    verbose_name = "产改责任清单"
