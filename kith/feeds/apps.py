from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "kith.feeds"
    label = "feeds"
    verbose_name = "Open Referral and feeds"
