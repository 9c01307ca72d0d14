from django.apps import AppConfig


class InteropConfig(AppConfig):
    """NHS interoperability: referrals in from GP systems as BaRS messages, and what happened sent back."""

    name = "kith.interop"
    label = "interop"
    verbose_name = "Connected systems (NHS BaRS)"

    def ready(self):
        from kith.interop import receivers
        from kith.people import signals

        signals.referral_decided.connect(receivers.referral_decided, dispatch_uid="interop-referral-decided")
        signals.record_closed.connect(receivers.record_closed, dispatch_uid="interop-record-closed")
        signals.record_erased.connect(receivers.record_erased, dispatch_uid="interop-record-erased")
