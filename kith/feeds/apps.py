from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "kith.feeds"
    label = "feeds"
    verbose_name = "Open Referral and feeds"

    def ready(self):
        from kith.accounts.roles import KEEPERS
        from kith.core.queues import Queue, register
        from kith.feeds import queues

        keepers = frozenset(KEEPERS)
        register(
            Queue(
                "Import problems",
                "Records the latest imports could not take, and why",
                "oruk:problems",
                keepers,
                queues.problems_waiting,
                order=40,
            )
        )
        register(Queue("Possible duplicates", "Organisations that may be the same, to fold or keep apart",
                       "oruk:duplicates", keepers, queues.duplicates_waiting, order=50))  # fmt: skip
