"""Shared building blocks used by at least three domains."""
