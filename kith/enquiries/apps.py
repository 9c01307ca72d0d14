from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "kith.enquiries"
    verbose_name = "Locality enquiries"
