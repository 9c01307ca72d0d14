from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "kith.directory"
    label = "directory"
    verbose_name = "Asset directory"

    def ready(self):
        from kith.core import observability
        from kith.directory.search import index

        observability.readiness_checks["search_index"] = index.readiness
