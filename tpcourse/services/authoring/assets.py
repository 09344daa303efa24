"""Images uploaded for lessons and body-map questions, kept in lessons/assets/.

The folder is shared by every course, as in the files (CONTENT_FORMAT.md); an upload never
replaces a file, so a lesson or question already using a name keeps its image.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ...content.images import ImageRefused, checked_image
from ...content.loader import svg_viewbox
from ...extensions import db
from ...models import User
from ..errors import ServiceError
from ..records.audit import actor_of, record_event
from .courses import CourseWorkspace
from .quizzes import assets_dir


class AssetRefused(ServiceError):
    """The upload is not accepted; the message says what to do."""

    status = 422


def list_assets() -> list[tuple[str, bool]]:
    """Return (name, usable as a body map) for each image in the assets folder."""
    folder = assets_dir()
    if not folder.is_dir():
        return []
    return [(p.name, p.suffix == ".svg" and svg_viewbox(p) is not None)
            for p in sorted(folder.iterdir())
            if p.suffix.lower() in (".svg", ".png", ".jpg", ".jpeg") and p.is_file()]


def upload_asset(ws: CourseWorkspace, user: User, filename: str, data: bytes,
                 now: datetime) -> str:
    """Check and store an image; return its name, to use as `assets/<name>` or a body map."""
    try:
        name, blob = checked_image(filename, data)
    except ImageRefused as exc:
        raise AssetRefused(str(exc)) from None
    folder = assets_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    try:
        with open(target, "xb") as handle:  # never replaces an image in use
            handle.write(blob)
    except FileExistsError:
        raise AssetRefused(_("An image named %(name)s already exists: rename your file, or "
                             "use the one there.", name=name)) from None
    record_event("course.asset_uploaded", {"course": ws.course.slug, "name": name,
                                           "bytes": len(blob)}, actor_of(user), now)
    db.session.commit()
    return name
