"""Use cases: module functions taking a keyword-only ``session``."""
