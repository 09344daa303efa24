"""Files embedded in banks (Moodle `<file encoding="base64">`, images in QTI packages).

An importer hands each file to a FileCollector with the name the bank's text uses; the
collector checks it is an image the platform can show (PNG, JPEG, GIF, WebP, or an SVG with
no script), gives it a stored name that cannot clash (`frog-1a2b3c4d.png`: the name plus
part of its SHA-256) and says what path the question text should use
(`assets/<folder>/frog-1a2b3c4d.png`, which the Markdown renderer serves from the content
folder's `assets/`). The service writes the files when the import lands.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .limits import MAX_FILE_BYTES
from .model import BankImport, slugify

DEFAULT_PREFIX = "assets/imported/"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"),
          (b"GIF89a", "gif"))
_SVG_FORBIDDEN = re.compile(rb"<\s*(script|foreignObject|iframe|object|embed)\b|\son\w+\s*=|"
                            rb"javascript:", re.IGNORECASE)


def image_type(data: bytes) -> str | None:
    """Return the extension of an image the platform shows (png, jpg, gif, webp, svg), or None."""
    for magic, extension in _MAGIC:
        if data.startswith(magic):
            return extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:2048].lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return "svg" if _safe_svg(data) else None
    return None


def _safe_svg(data: bytes) -> bool:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError):
        return False
    return root.tag.rsplit("}", 1)[-1] == "svg" and not _SVG_FORBIDDEN.search(data)


class FileCollector:
    """Collects a bank's images under safe stored names and maps references to them."""

    def __init__(self, result: BankImport, prefix: str = DEFAULT_PREFIX) -> None:
        self.result = result
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"

    def add(self, name: str, data: bytes, line: int) -> str | None:
        """Keep an embedded file; return the path question text should use, or None."""
        shown = unquote(name).rsplit("/", 1)[-1] or "file"
        if len(data) > MAX_FILE_BYTES:
            self.result.warn(line, f"embedded file '{shown}' is {len(data):,} bytes; files are "
                                   f"limited to {MAX_FILE_BYTES:,} — not imported")
            return None
        extension = image_type(data)
        if extension is None:
            self.result.warn(line, f"embedded file '{shown}' is not an image the platform can "
                                   "show (PNG, JPEG, GIF, WebP or SVG without scripts) — not "
                                   "imported; the text still mentions it")
            return None
        stem = slugify(shown.rsplit(".", 1)[0]) or "image"
        digest = hashlib.sha256(data).hexdigest()[:8]
        stem = stem if stem.endswith(f"-{digest}") else f"{stem}-{digest}"
        stored = f"{stem}.{extension}"
        self.result.files[stored] = data
        return self.prefix + stored

    def add_base64(self, name: str, encoded: str, line: int) -> str | None:
        """Decode a base64 file (refusing one too big before decoding) and keep it."""
        compact = re.sub(r"\s+", "", encoded or "")
        if len(compact) * 3 // 4 > MAX_FILE_BYTES:
            self.result.warn(line, f"embedded file '{unquote(name)}' is over {MAX_FILE_BYTES:,} "
                                   "bytes — not imported")
            return None
        try:
            data = base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            self.result.warn(line, f"embedded file '{unquote(name)}' is not valid base64 — "
                                   "not imported")
            return None
        return self.add(name, data, line)


def replace_references(text: str, marker: str, paths: dict[str, str]) -> tuple[str, list[str]]:
    """Replace `marker/<name>` references with stored paths: (text, names with no file)."""
    missing: list[str] = []

    def swap(match: re.Match[str]) -> str:
        name = unquote(match.group(1))
        if name in paths:
            return paths[name]
        missing.append(name)
        return match.group(0)

    pattern = re.escape(marker) + r"/([^\"'\s)<>?#]+)"
    return re.sub(pattern, swap, text), missing
