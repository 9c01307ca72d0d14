from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "kith.insights"
    label = "insights"
    verbose_name = "Neighbourhood insight"

    def ready(self):
        from kith.insights import engine
        from kith.together import pools

        pools.use_gap_report(engine.report)
