from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "kith.freshness"
    verbose_name = "Fresh, trusted listings"
