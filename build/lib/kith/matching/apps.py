from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kith.matching"
    label = "matching"
    verbose_name = "Matching and connections"
