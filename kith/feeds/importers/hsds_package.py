"""An HSDS 3.0 tabular data package (datapackage.json beside CSV files) as nested services.

The tables are joined back into the nested service shape and read by the ORUK 3.0 parser, so both
paths keep the same rules.
"""

import csv
import io
from collections import defaultdict

from kith.feeds.importers.oruk_v3 import parse_page

TABLES = ["services", "organizations", "locations", "service_at_location", "addresses", "schedules", "cost_options"]


def parse(read_table) -> list:
    """read_table(name) -> bytes of `<name>.csv`, or None if the package has no such table."""
    tables = {}
    for name in TABLES:
        raw = read_table(name)
        if raw is None:
            tables[name] = []
            continue
        try:
            tables[name] = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        except UnicodeDecodeError:
            return [("", "", f"{name}.csv is not UTF-8 text", None)]
        except csv.Error as error:
            return [("", "", f"{name}.csv is not readable CSV ({error})", None)]
    if not tables["services"]:
        return [("", "", "the package has no services.csv, or it is empty", None)]
    organisations = {row.get("id"): row for row in tables["organizations"]}
    locations = {row.get("id"): dict(row) for row in tables["locations"]}
    for address in tables["addresses"]:
        location = locations.get(address.get("location_id"))
        if location is not None:
            location.setdefault("addresses", []).append(address)
    by_service = defaultdict(lambda: defaultdict(list))
    for sal in tables["service_at_location"]:
        location = locations.get(sal.get("location_id"))
        if location:
            by_service[sal.get("service_id")]["service_at_locations"].append({**sal, "location": location})
    for name in ("schedules", "cost_options"):
        for row in tables[name]:
            by_service[row.get("service_id")][name].append(row)
    services = []
    for row in tables["services"]:
        nested = {
            **row,
            **by_service[row.get("id")],
            "organization": organisations.get(row.get("organization_id"), {"id": row.get("organization_id")}),
        }
        services.append(nested)
    records, _ = parse_page(services)
    return records
