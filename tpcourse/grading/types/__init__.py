"""Question types, one module per family; importing this package fills the registry."""

from . import arrange, choice, essay, hotspot, text  # noqa: F401  (registration side effect)
from .base import QUESTION_TYPES, FormData, QuestionType, ValidationContext, question_type

__all__ = ["QUESTION_TYPES", "FormData", "QuestionType", "ValidationContext", "question_type"]
