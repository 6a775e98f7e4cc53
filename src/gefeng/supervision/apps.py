from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "gefeng.supervision"
    label = "supervision"
    verbose_name = "督办与考评"
