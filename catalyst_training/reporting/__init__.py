"""The reporting domain."""
