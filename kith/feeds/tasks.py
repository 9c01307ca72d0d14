"""The feeds' job: the hourly harvest of every source that is due."""

import datetime as dt

from kith.core.jobs import job
from kith.feeds.importers.run import describe_harvest, harvest


@job("harvest", schedule="0 * * * *", limit=dt.timedelta(hours=6))
def harvest_due() -> str:
    return describe_harvest(harvest())
