"""Write stored quizzes and lessons back as the files of CONTENT_FORMAT.md.

Pure: takes the dicts stored on versions (or drafts) and returns text. Parsing the text
with `quizfile.parse_quiz` / `lessonfile.parse_lesson` gives the same normalised data, so
an export synced back produces the same content hash (tested).
"""

from __future__ import annotations

from typing import Any

import yaml

QUIZ_KEY_ORDER = (
    "slug", "title", "description", "pass_mark", "max_attempts", "cooldown_minutes",
    "time_limit_minutes", "shuffle_questions", "shuffle_options", "draw", "review", "grading",
    "questions_per_page", "questions",
)
QUESTION_KEY_ORDER = (
    "id", "name", "category", "pool", "objective", "type", "points", "scoring", "must_pass",
    "tags", "excludes", "prompt", "options", "answer", "tolerance", "unit", "accept", "partial",
    "pairs", "distractors", "items", "image", "regions", "feedback_true", "feedback_false",
    "explanation",
)
# Values that may be left out because the parser fills them in again, identically.
_QUIZ_DEFAULTS = {"description": "", "max_attempts": None, "cooldown_minutes": 0,
                  "time_limit_minutes": None, "shuffle_questions": False,
                  "shuffle_options": False, "draw": {}, "grading": "highest"}
_QUESTION_DEFAULTS = {"pool": None, "objective": None, "points": 1, "must_pass": False,
                      "tags": [], "explanation": "", "tolerance": 0, "unit": None,
                      # essays: what the type fills in when the file leaves it out
                      "word_limit": None, "template": None, "rubric": [], "model_answer": None}
_RENDERED = {"prompt_html", "explanation_html", "text_html", "feedback_html", "viewbox",
             "feedback_true_html", "feedback_false_html", "model_answer_html"}


def _is_default(value: Any, default: Any) -> bool:
    """Equal and of the same type: 1.0 is not the default 1 (the hash would differ)."""
    return value == default and type(value) is type(default)


def quiz_file_data(data: dict[str, Any]) -> dict[str, Any]:
    """Return a stored quiz (version data or draft) in quiz-file shape, without defaults."""
    out: dict[str, Any] = {}
    for key in QUIZ_KEY_ORDER:
        if key not in data or key == "questions":
            continue
        if key in _QUIZ_DEFAULTS and _is_default(data[key], _QUIZ_DEFAULTS[key]):
            continue
        out[key] = data[key]
    out["questions"] = [question_file_data(q) for q in data.get("questions", [])]
    return out


def question_file_data(question: dict[str, Any]) -> dict[str, Any]:
    """Return one stored question in quiz-file shape (no rendered HTML, no defaults)."""
    out: dict[str, Any] = {}
    keys = [k for k in QUESTION_KEY_ORDER if k in question]
    keys += [k for k in question if k not in QUESTION_KEY_ORDER and k not in _RENDERED]
    for key in keys:
        value = question[key]
        if key in _QUESTION_DEFAULTS and _is_default(value, _QUESTION_DEFAULTS[key]):
            continue
        if key == "options":
            value = [_option(o) for o in value]
        elif key == "regions":
            value = [_region(r) for r in value]
        out[key] = value
    return out


def _option(option: dict[str, Any]) -> dict[str, Any]:
    out = {"id": option.get("id"), "text": option.get("text")}
    if option.get("correct") is True:
        out["correct"] = True
    if option.get("feedback"):
        out["feedback"] = option["feedback"]
    if "weight" in option:
        out["weight"] = option["weight"]
    return out


def _whole(value: Any) -> Any:
    """Write 210.0 as 210: region numbers are read back as floats either way."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _region(region: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"shape": region.get("shape")}
    for key, value in region.items():
        if key == "shape":
            continue
        if key == "points" and isinstance(value, list):
            out[key] = [[_whole(c) for c in p] if isinstance(p, list) else p for p in value]
        else:
            out[key] = _whole(value)
    return out


class _Flow(list):
    """A list written on one line: [a, b]."""


class _FlowMap(dict):
    """A mapping written on one line: {shape: circle, cx: 1}."""


class _Dumper(yaml.SafeDumper):
    """Safe YAML with block text for multi-line strings and flow style for short lists."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D102
        return super().increase_indent(flow, False)  # indent list items under their key


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", list(v), flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping(
    "tag:yaml.org,2002:map", dict(v), flow_style=True))


def _styled(value: Any, key: str | None = None) -> Any:
    """Mark the containers that read best on one line, as hand-written files do."""
    if isinstance(value, dict):
        if key in ("draw",) or (key == "region"):
            return _FlowMap({k: _styled(v) for k, v in value.items()})
        return {k: _styled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "regions":
            return [_styled(v, "region") for v in value]
        if all(_scalar_or_pair(v) for v in value) and not any(
            isinstance(v, str) and "\n" in v for v in value
        ):
            return _Flow(_Flow(v) if isinstance(v, list) else v for v in value)
        return [_styled(v) for v in value]
    return value


def _scalar_or_pair(value: Any) -> bool:
    if isinstance(value, list):
        return len(value) == 2 and all(not isinstance(v, list | dict) for v in value)
    return not isinstance(value, dict)


def dump_yaml(data: dict[str, Any]) -> str:
    """Serialise a file-shaped dict as YAML, keys in the order given."""
    return yaml.dump(_styled(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)


def quiz_yaml(data: dict[str, Any]) -> str:
    """Return the text of `quizzes/<slug>.yaml` for a stored quiz or a draft."""
    return dump_yaml(quiz_file_data(data))


def normalise_body(body: str) -> str:
    """Use \\n line ends and no trailing spaces at the end, as a lesson file reads back."""
    return "\n".join((body or "").splitlines()).rstrip()


def lesson_markdown(title: str, minutes: Any, objectives: list[str], body: str) -> str:
    """Return the text of a lesson file: YAML front matter, then the Markdown body."""
    meta: dict[str, Any] = {"title": title, "minutes": minutes}
    if objectives:
        meta["objectives"] = list(objectives)
    return f"---\n{dump_yaml(meta)}---\n{body}\n"
