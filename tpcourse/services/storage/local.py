"""Files on the local filesystem, in one folder (by default instance/evidence)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .store import StoredFileMissing

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


def _checked(key: str) -> str:
    """Keys are tpcourse's own random tokens: refuse anything that could leave the folder."""
    if not _KEY.match(key):
        raise ValueError("a stored file's key must be a random token")
    return key


class LocalStore:
    """Each file is `<folder>/<key>`, written beside and renamed into place (never half
    written), readable by the app's user only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.folder / _checked(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Return the bytes under `key`."""
        try:
            return (self.folder / _checked(key)).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None

    def delete(self, key: str) -> None:
        """Remove the file under `key`."""
        (self.folder / _checked(key)).unlink(missing_ok=True)
