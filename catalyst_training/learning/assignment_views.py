"""Transitional alias: the assignment pages moved to learning/views/assignments.py.

mentoring/review_views.py still imports `upload_folder` from here; once it imports
`learning.assignments.upload_folder` this module is deleted.
"""

from __future__ import annotations

from .assignments import upload_folder

__all__ = ["upload_folder"]
