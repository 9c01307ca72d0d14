"""The demo's connected GP system: a stand-in practice whose responses go to `kith gp-stand-in` on loopback."""

from kith.interop.models import ConnectedSystem, ReferringOrganisation
from kith.interop.services import issue_key
from kith.interop.stand_in import DEMO_PRACTICE, PATH

DEMO_SYSTEM = "Demo GP system (stand-in)"


def ensure_demo_system(stand_in_port: int) -> tuple[ConnectedSystem, str]:
    """The demo system and a new key for it (the one printed before stops working)."""
    system, _ = ConnectedSystem.objects.get_or_create(
        name=DEMO_SYSTEM, defaults={"ods_code": DEMO_PRACTICE, "key_prefix": "demo-new", "key_hash": "-"}
    )
    ReferringOrganisation.objects.update_or_create(
        system=system,
        ods_code=DEMO_PRACTICE,
        defaults={"name": "Demo Practice (synthetic)", "endpoint": f"http://127.0.0.1:{stand_in_port}{PATH}"},
    )
    return system, issue_key(system)
