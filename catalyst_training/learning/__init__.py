"""The learning domain."""
