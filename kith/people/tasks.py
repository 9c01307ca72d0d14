"""People's job: anonymising records closed longer than the retention period, nightly."""

from django.conf import settings

from kith.core.jobs import job
from kith.people.services import apply_retention


@job("retention", schedule="30 3 * * *")
def retention() -> str:
    years = settings.KITH_RETENTION_YEARS
    count = apply_retention(years=years, dry_run=False)
    return f"Anonymised {count:,} record{'s' if count != 1 else ''} closed over {years} years ago."
