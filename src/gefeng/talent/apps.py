from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "gefeng.talent"
    label = "talent"
    verbose_name = "人才库"
