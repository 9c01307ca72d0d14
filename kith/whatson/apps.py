from django.apps import AppConfig


class WhatsOnConfig(AppConfig):
    name = "kith.whatson"
    verbose_name = "What's on"
