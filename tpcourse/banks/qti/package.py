"""Read a .zip question package (Canvas QTI 1.2, IMS QTI 2.1) without trusting it.

Refused: a file that is not a zip, more than MAX_PACKAGE_FILES members, a member path that is
absolute, climbs out (`..`) or is a link, a member bigger than MAX_PACKAGE_BYTES unpacked or
compressed more than MAX_RATIO to one (a zip bomb), and more than MAX_PACKAGE_BYTES unpacked
in all. Sizes are checked while reading, not taken from the zip's own headers, which can lie.
Nothing is written to disk: members are read into memory, within those bounds.
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from urllib.parse import unquote

from ..limits import MAX_PACKAGE_FILES

MAX_PACKAGE_BYTES = 20_000_000
"""Unpacked bytes of a whole package (the .zip itself is limited to MAX_BANK_BYTES)."""
MAX_RATIO = 100
"""How many times bigger than its compressed size a member may unpack (above 1 MB)."""
_RATIO_FLOOR = 1_000_000


class PackageError(Exception):
    """A package that cannot be read safely; the message says why, for the author."""


@dataclass
class Package:
    """The members of a package by their normalised path."""

    members: dict[str, bytes] = field(default_factory=dict)

    def find(self, path: str) -> bytes | None:
        """Return a member by path (URL-decoded, normalised), or None."""
        return self.members.get(normalise(unquote(path)) or "")

    def resolve(self, base: str, reference: str) -> str | None:
        """Return the member a relative reference from the member `base` points at."""
        if "://" in reference or reference.startswith(("data:", "//")):
            return None
        joined = posixpath.join(posixpath.dirname(base), unquote(reference.split("#")[0]))
        path = normalise(joined)
        return path if path in self.members else None


def is_zip(data: bytes) -> bool:
    """Whether the bytes start like a zip archive."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def normalise(path: str) -> str | None:
    """Return a member path made safe (no leading '/', no '..'), or None if it escapes."""
    path = path.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return None
    clean = posixpath.normpath(path)
    if clean.startswith("..") or clean == ".":
        return None
    return clean


def read_package(data: bytes) -> Package:
    """Unpack a zip within the bounds above; PackageError says what was refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise PackageError(f"the file is not a readable .zip package ({exc})") from None
    if len(infos) > MAX_PACKAGE_FILES:
        raise PackageError(f"the package has {len(infos):,} files; packages are limited to "
                           f"{MAX_PACKAGE_FILES:,}")
    package, total = Package(), 0
    for info in infos:
        if info.is_dir():
            continue
        path = normalise(info.filename)
        if path is None:
            raise PackageError(f"the package member '{info.filename[:80]}' points outside the "
                               "package; it is refused for safety")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageError(f"the package member '{path[:80]}' is a link; links are refused "
                               "for safety")
        content = _read_member(archive, info, MAX_PACKAGE_BYTES - total)
        total += len(content)
        package.members[path] = content
    return package


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> bytes:
    limit = min(room, MAX_PACKAGE_BYTES)
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise PackageError(f"the package unpacks to more than "
                                       f"{MAX_PACKAGE_BYTES / 1_000_000:g} MB; it is refused "
                                       "(split it, or leave out large media)")
                if size > _RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
                    raise PackageError(f"the package member '{info.filename[:80]}' unpacks to "
                                       f"over {MAX_RATIO} times its size, like a zip bomb; it "
                                       "is refused")
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError, zlib.error) as exc:
        raise PackageError(f"the package member '{info.filename[:80]}' could not be read "
                           f"({exc})") from None
    return b"".join(chunks)
