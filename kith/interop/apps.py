from django.apps import AppConfig


class InteropConfig(AppConfig):
    """NHS interoperability: referrals in from GP systems as BaRS messages, and what happened sent back."""

    name = "kith.interop"
    label = "interop"
    verbose_name = "Connected systems (NHS BaRS)"
