"""Question-bank converters: GIFT, Moodle XML and Aiken ⇄ platform question dicts.

Pure Python — imports neither flask, sqlalchemy nor any other tpcourse package.
"""

from .aiken import export_aiken, parse_aiken, to_aiken
from .gift import export_gift, parse_gift, to_gift
from .model import MAX_BANK_BYTES, BankExport, BankImport, BankProblem, ExportNote
from .moodle_xml import export_moodle_xml, parse_moodle_xml, to_moodle_xml

__all__ = [
    "MAX_BANK_BYTES", "BankExport", "BankImport", "BankProblem", "ExportNote",
    "export_aiken", "export_gift", "export_moodle_xml", "parse_aiken", "parse_gift",
    "parse_moodle_xml", "to_aiken", "to_gift", "to_moodle_xml",
]
