"""A certificate's PDF, for its holder and the staff who follow them."""

from __future__ import annotations

from flask import Response

from ..bulk import file_name, printable
from ..pdf import render
from .blueprint import ANY, base_url, bp, certificate_for, viewer


@bp.get("/certificates/<int:certificate_id>.pdf")
def download(certificate_id: int):
    """The PDF, rendered again from the recorded certificate (the same bytes every time)."""
    cert = certificate_for(viewer(*ANY), certificate_id)
    page = printable(cert)
    response = Response(render(page, base_url()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(page)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
