"""QTI question banks: Canvas Classic Quizzes exports (QTI 1.2) and IMS QTI 2.1 packages.

Packages are read by `package.py` within bounds; `common.py` and `xhtml.py` hold what both
versions share (namespaces, item bodies as HTML, HTML back to Markdown).
"""

from .canvas import parse_canvas_qti
from .qti21 import parse_qti21
from .qti21_export import export_qti21

__all__ = ["export_qti21", "parse_canvas_qti", "parse_qti21"]
