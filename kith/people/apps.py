from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kith.people"
    label = "people"
    verbose_name = "People (care records)"

    def ready(self):
        from kith.accounts.roles import CARE
        from kith.core.queues import Queue, register
        from kith.people.access import referrals_waiting
        from kith.people.models import ErasureRequest

        def erasures(user) -> int:
            return ErasureRequest.objects.filter(carried_out_at__isnull=True).count()

        register(
            Queue(
                "Referrals waiting",
                "Referrals to accept or decline",
                "people:referral_queue",
                frozenset(CARE),
                referrals_waiting,
                order=5,
            )
        )
        register(Queue("Erasure requests", "People who asked to be forgotten, passed on by link workers",
                       "people:erasure_requests", frozenset({"administrator"}), erasures, order=15))  # fmt: skip
