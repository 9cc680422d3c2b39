"""The mentoring domain."""
