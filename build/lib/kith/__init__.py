"""Kith: social prescribing done as community development."""
