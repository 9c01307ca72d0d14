from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; imports between JS modules point at the hashed names."""

    support_js_module_import_aggregation = True
