from django.apps import AppConfig


class FreshnessConfig(AppConfig):
    name = "kith.freshness"
    verbose_name = "Fresh, trusted listings"

    def ready(self):
        from kith.directory import extensions
        from kith.freshness.upkeep_panel import upkeep_context

        extensions.add_to_service_page(upkeep_context)
        from kith.accounts.roles import KEEPERS
        from kith.core.queues import Queue, register
        from kith.freshness import queues

        keepers = frozenset(KEEPERS)
        register(
            Queue(
                "Claims to decide",
                "People asking to look after an organisation's listings",
                "freshness:claims",
                frozenset({"administrator"}),
                queues.claims_waiting,
                order=10,
            )
        )
        register(
            Queue(
                "Suggestions from the public",
                "Changes and closures people told us about",
                "freshness:suggestions",
                keepers,
                queues.suggestions_waiting,
                order=20,
            )
        )
        register(Queue("Listings to check", "Listings past their review period, in your neighbourhoods",
                       "freshness:review", keepers, queues.listings_due, order=30))  # fmt: skip
