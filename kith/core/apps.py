from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kith.core"
    label = "core"
    verbose_name = "Kith core"

    def ready(self):
        from kith.core import checks, converters  # noqa: F401  (checks registers itself)

        converters.register()
        from kith.core.observability import init_sentry

        init_sentry()
        from kith.core import jobs, observability

        observability.readiness_checks["jobs"] = jobs.readiness
