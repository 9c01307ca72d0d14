from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "kith.geo"
    label = "geo"
    verbose_name = "Geography"
