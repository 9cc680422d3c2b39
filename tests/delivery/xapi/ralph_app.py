"""Serve Ralph's LRS (its FastAPI app, fs backend) on a given host and port: the tests' LRS.

`python -m tests.delivery.xapi.ralph_app HOST PORT`, with Ralph's settings in the environment.
Ralph 5.1's `runserver` is `uvicorn.run("ralph.api:app", reload=True)`; its filesystem LRS
backend writes each POST with operation CREATE into one file (fs_lrs.jsonl), which refuses every
write after the first ("already exists and overwrite is not allowed"). Here the same app runs
without the reloader and with that backend appending, which is what a filesystem LRS needs; the
API, authentication, validation, id checks and storage are Ralph's own.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend


def main(host: str, port: int) -> None:
    """Run the LRS until terminated."""
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    uvicorn.run("ralph.api:app", host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
