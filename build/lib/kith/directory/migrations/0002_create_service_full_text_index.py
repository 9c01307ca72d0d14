from django.db import migrations

from kith.directory.search import fulltext


def create(apps, schema_editor):
    fulltext.create_schema(schema_editor)


def drop(apps, schema_editor):
    fulltext.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
