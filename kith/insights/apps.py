from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kith.insights"
    label = "insights"
    verbose_name = "Neighbourhood insight"
