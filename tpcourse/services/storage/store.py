"""The file store interface and the choice of store from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from flask import current_app


class StoredFileMissing(LookupError):
    """The store holds no file under this key."""


class FileStore(Protocol):
    """Keeps bytes under a key. Keys are made by tpcourse (random), never by a user."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` (replacing any file there)."""

    def get(self, key: str) -> bytes:
        """Return the bytes under `key`; StoredFileMissing when there are none."""

    def delete(self, key: str) -> None:
        """Remove the file under `key` if there is one."""


def file_store() -> FileStore:
    """Return the store the settings choose: "local" (under the instance folder) or "s3"."""
    config = current_app.config
    kind = config.get("TPCOURSE_EVIDENCE_STORE", "local")
    if kind == "s3":
        from .s3 import S3Store

        return S3Store(config["TPCOURSE_S3_BUCKET"], config.get("TPCOURSE_S3_ENDPOINT_URL"),
                       config.get("TPCOURSE_S3_REGION") or "us-east-1")
    if kind != "local":
        raise ValueError(f"TPCOURSE_EVIDENCE_STORE is {kind!r}; use 'local' or 's3'.")
    from .local import LocalStore

    folder = config.get("TPCOURSE_EVIDENCE_DIR") or str(Path(current_app.instance_path)
                                                        / "evidence")
    return LocalStore(Path(folder))
