"""Where uploaded files live: one interface, the local filesystem by default, an S3-compatible
object store in production (`TPCOURSE_EVIDENCE_STORE`). Files are only ever served through a
route that checks permission first; a store never hands out public URLs."""

from .store import FileStore, StoredFileMissing, file_store

__all__ = ["FileStore", "StoredFileMissing", "file_store"]
