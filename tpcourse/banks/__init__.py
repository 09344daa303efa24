"""Question-bank converters: GIFT, Moodle XML, Aiken, Canvas QTI 1.2, IMS QTI 2.1.

Pure Python — imports neither flask, sqlalchemy nor any other tpcourse package (the Markdown
renderer and image files a converter may need are passed in by the caller).
"""

from .aiken import export_aiken, parse_aiken, to_aiken
from .gift import export_gift, parse_gift, to_gift
from .limits import MAX_BANK_BYTES, MAX_CHOICES, MAX_QUESTIONS, MAX_QUIZ_QUESTIONS, MAX_TEXT_CHARS
from .model import SCORING_CHOICES, BankExport, BankImport, BankProblem, ExportNote
from .moodle_xml import export_moodle_xml, parse_moodle_xml, to_moodle_xml
from .qti import export_qti21, parse_canvas_qti, parse_qti21

__all__ = [
    "MAX_BANK_BYTES", "MAX_CHOICES", "MAX_QUESTIONS", "MAX_QUIZ_QUESTIONS", "MAX_TEXT_CHARS",
    "SCORING_CHOICES", "BankExport", "BankImport", "BankProblem", "ExportNote", "export_aiken",
    "export_gift", "export_moodle_xml", "export_qti21", "parse_aiken", "parse_canvas_qti",
    "parse_gift", "parse_moodle_xml", "parse_qti21", "to_aiken", "to_gift", "to_moodle_xml",
]
