"""The asset directory, shaped after Open Referral HSDS 3.0, with Kith's additions."""

from kith.directory.models.base import DemoBuild, DirectoryState, HsdsRecord
from kith.directory.models.listing import (
    Accessibility,
    AccessibilityFeature,
    Address,
    AssetKind,
    Contact,
    CostOption,
    Language,
    ListingCheck,
    Location,
    Organisation,
    Phone,
    Schedule,
    Scope,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
)
from kith.directory.models.taxonomy import Attribute, Taxonomy, TaxonomyTerm

__all__ = [
    "Accessibility",
    "AccessibilityFeature",
    "Address",
    "AssetKind",
    "Attribute",
    "Contact",
    "CostOption",
    "DemoBuild",
    "DirectoryState",
    "HsdsRecord",
    "Language",
    "ListingCheck",
    "Location",
    "Organisation",
    "Phone",
    "Schedule",
    "Scope",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceStatus",
    "Taxonomy",
    "TaxonomyTerm",
]
