from django.apps import AppConfig


class TogetherConfig(AppConfig):
    name = "kith.together"
    verbose_name = "Bringing people together"
