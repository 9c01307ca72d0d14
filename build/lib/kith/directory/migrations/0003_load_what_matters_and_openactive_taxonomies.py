from django.db import migrations

from kith.directory.taxonomy import load_taxonomies


def load(apps, schema_editor):
    load_taxonomies(apps.get_model("directory", "Taxonomy"), apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_create_service_full_text_index")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
