"""Between the question form and a quiz-file question dict, and problems back onto fields."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...banks.model import option_ids
from ...content.bodymap import load_drawing, region_findings
from ...content.drafts import FieldProblem
from ...content.loader_translations import zone_names
from ...content.localize import is_source
from ...content.overlay import region_marks
from ...content.sentences import for_instructors
from ...grading.types.hotspot import validate_region
from ...inputs import ascii_int
from .forms import QuestionForm, _shown, lenient

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
ROW_LISTS = {"options": ("id", "text", "correct", "feedback", "weight"), "pairs": ("left", "right"),
             "regions": ("shape", "cx", "cy", "r", "x", "y", "width", "height", "points")}
REGION_KEYS = {"circle": ("cx", "cy", "r"), "rect": ("x", "y", "width", "height"),
               "polygon": ("points",)}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _blank(row: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return not any(str(row.get(k) or "").strip() for k in keys if k not in ("shape", "correct")) \
        and not row.get("correct")


def parse_points(text: str) -> Any:
    """Read 'x,y x,y x,y' into [[x, y], ...]; anything else stays text (and fails the check)."""
    cleaned = (text or "").strip()
    numbers = _NUMBER.findall(cleaned)
    leftover = _NUMBER.sub("", cleaned).replace(",", "").replace(";", "").strip()
    if leftover or len(numbers) % 2:
        return cleaned
    values = [lenient(n) for n in numbers]
    return [[values[i], values[i + 1]] for i in range(0, len(values), 2)]


def _options(rows: list[dict[str, Any]], keep_blank: bool) -> list[dict[str, Any]]:
    options, used = [], {str(r.get("id") or "").strip() for r in rows}
    spare = iter(i for i in option_ids(len(rows) + 26) if i not in used)
    for row in rows:
        if not keep_blank and _blank(row, ROW_LISTS["options"]):
            continue
        option: dict[str, Any] = {"id": str(row.get("id") or "").strip(),
                                  "text": str(row.get("text") or "").strip()}
        if not option["id"] and not keep_blank:
            option["id"] = next(spare)
        if row.get("correct"):
            option["correct"] = True
        if str(row.get("feedback") or "").strip():
            option["feedback"] = row["feedback"].strip()
        if lenient(row.get("weight")) is not None:
            option["weight"] = lenient(row.get("weight"))
        options.append(option)
    return options


_PARTIAL = re.compile(r"^(?P<answer>.+?)\s*=\s*(?P<weight>[^=]+)$")
_SPREAD = re.compile(r"^(?P<answer>[^:±]+?)\s*(?:[:±]\s*(?P<tolerance>.+))?$")


def parse_partial(text: str | None, qtype: str) -> list[dict[str, Any]] | str:
    """Read 'toad = 80' (short text) or '120 ± 10 = 50' (numeric) lines into partial answers.

    A line that does not read stays text, so the check says what is wrong.
    """
    entries: list[dict[str, Any]] = []
    for line in _lines(text):
        match = _PARTIAL.match(line)
        if not match:
            return line
        weight = lenient(match.group("weight"))
        if qtype == "short_text":
            entries.append({"text": match.group("answer").strip(), "weight": weight})
            continue
        spread = _SPREAD.match(match.group("answer").strip())
        entry = {"answer": lenient(spread.group("answer")) if spread else match.group("answer")}
        if spread and spread.group("tolerance"):
            entry["tolerance"] = lenient(spread.group("tolerance"))
        entries.append({**entry, "weight": weight})
    return entries


def partial_lines(entries: Any) -> str:
    """Show partial answers as the lines parse_partial reads."""
    lines = []
    for entry in _list(entries):
        if not isinstance(entry, dict):
            continue
        if "text" in entry:
            lines.append(f"{_shown(entry.get('text'))} = {_shown(entry.get('weight'))}")
        else:
            spread = f" ± {_shown(entry['tolerance'])}" if entry.get("tolerance") else ""
            lines.append(f"{_shown(entry.get('answer'))}{spread} = {_shown(entry.get('weight'))}")
    return "\n".join(lines)


def _region(row: dict[str, Any]) -> dict[str, Any]:
    shape = row.get("shape") or "circle"
    region: dict[str, Any] = {"shape": shape}
    for key in REGION_KEYS.get(shape, ()):
        value = parse_points(row.get(key) or "") if key == "points" else lenient(row.get(key))
        if value is not None and value != "":
            region[key] = value
    return region


def question_from_form(form: QuestionForm, qtype: str, keep_blank: bool = False) -> dict[str, Any]:
    """Return the form's question as a quiz-file dict (blank rows dropped unless asked)."""
    q: dict[str, Any] = {"id": (form.qid.data or "").strip(), "type": qtype}
    optional = {"name": (form.name.data or "").strip(), "category": (form.category.data or "").strip(),
                "pool": (form.pool.data or "").strip(), "objective": (form.objective.data or "").strip(),
                "scoring": (form.scoring.data or "").strip()}
    q.update({k: v for k, v in optional.items() if v})
    points = lenient(form.points.data)
    if points is not None:
        q["points"] = points
    if form.must_pass.data:
        q["must_pass"] = True
    tags = [t.strip() for t in re.split(r"[,\s]+", form.tags.data or "") if t.strip()]
    if tags:
        q["tags"] = tags
    excludes = [x.strip() for x in re.split(r"[,\s]+", form.excludes.data or "") if x.strip()]
    if excludes:
        q["excludes"] = excludes
    q["prompt"] = (form.prompt.data or "").strip()
    q.update(_type_fields(form, qtype, keep_blank))
    if (form.explanation.data or "").strip():
        q["explanation"] = (form.explanation.data or "").strip()
    return q


def _type_fields(form: QuestionForm, qtype: str, keep_blank: bool) -> dict[str, Any]:
    if qtype in ("single", "multiple"):
        return {"options": _options(form.options.data, keep_blank)}
    if qtype == "true_false":
        answer = {"true": True, "false": False}.get(form.answer_bool.data or "")
        feedback = {k: (getattr(form, k).data or "").strip()
                    for k in ("feedback_true", "feedback_false")}
        return {**({} if answer is None else {"answer": answer}),
                **{k: v for k, v in feedback.items() if v}}
    partial = parse_partial(form.partial.data, qtype) if qtype in ("numeric", "short_text") \
        else []
    if qtype == "numeric":
        fields = {"answer": lenient(form.answer.data), "tolerance": lenient(form.tolerance.data),
                  "unit": (form.unit.data or "").strip() or None, "partial": partial or None}
        return {k: v for k, v in fields.items() if v is not None}
    if qtype == "short_text":
        return {"accept": _lines(form.accept.data), **({"partial": partial} if partial else {})}
    if qtype == "matching":
        rows = [r for r in form.pairs.data if keep_blank or not _blank(r, ROW_LISTS["pairs"])]
        distractors = _lines(form.distractors.data)
        return {"pairs": [[str(r["left"] or "").strip(), str(r["right"] or "").strip()]
                          for r in rows], **({"distractors": distractors} if distractors else {})}
    if qtype == "ordering":
        return {"items": _lines(form.items.data)}
    if qtype == "hotspot":
        rows = [r for r in form.regions.data if keep_blank or not _blank(r, ROW_LISTS["regions"])]
        fields = {"image": (form.image.data or "").strip(), "regions": [_region(r) for r in rows]}
        return {k: v for k, v in fields.items() if v != ""}
    return {}


def form_values(q: dict[str, Any]) -> dict[str, Any]:
    """Return the values that show a quiz-file question in the form."""
    answer = q.get("answer")
    return {
        "qid": _shown(q.get("id")), "prompt": _shown(q.get("prompt")),
        "name": _shown(q.get("name")), "category": _shown(q.get("category")),
        "scoring": _shown(q.get("scoring")),
        "feedback_true": _shown(q.get("feedback_true")),
        "feedback_false": _shown(q.get("feedback_false")),
        "partial": partial_lines(q.get("partial")),
        "distractors": "\n".join(map(str, _list(q.get("distractors")))),
        "points": _shown(q.get("points", 1)), "pool": _shown(q.get("pool")),
        "objective": _shown(q.get("objective")), "must_pass": q.get("must_pass") is True,
        "tags": ", ".join(map(str, q.get("tags") or [])) if isinstance(q.get("tags"), list)
        else _shown(q.get("tags")),
        "excludes": ", ".join(map(str, q.get("excludes") or [])) if isinstance(
            q.get("excludes"), list) else _shown(q.get("excludes")),
        "explanation": _shown(q.get("explanation")),
        "options": [{"id": _shown(o.get("id")), "text": _shown(o.get("text")),
                     "correct": o.get("correct") is True, "feedback": _shown(o.get("feedback")),
                     "weight": _shown(o.get("weight"))}
                    for o in _list(q.get("options")) if isinstance(o, dict)],
        "answer_bool": ("true" if answer else "false") if isinstance(answer, bool) else "",
        "answer": "" if isinstance(answer, bool) else _shown(answer),
        "tolerance": _shown(q.get("tolerance")), "unit": _shown(q.get("unit")),
        "accept": "\n".join(map(str, _list(q.get("accept")))),
        "pairs": [{"left": _shown(p[0]), "right": _shown(p[1])}
                  for p in _list(q.get("pairs")) if isinstance(p, list) and len(p) == 2],
        "items": "\n".join(map(str, _list(q.get("items")))),
        "image": _shown(q.get("image")),
        "regions": [_region_values(r) for r in _list(q.get("regions")) if isinstance(r, dict)],
    }


MINIMUM_ROWS = {"single": ("options", 2), "multiple": ("options", 2), "matching": ("pairs", 2),
                "hotspot": ("regions", 1)}


def padded(values: dict[str, Any], qtype: str) -> dict[str, Any]:
    """Add blank rows after the typed ones so a form always offers enough to fill in."""
    name, least = MINIMUM_ROWS.get(qtype, (None, 0))
    if name is None or len(values[name]) >= least:
        return values
    blank = {"options": {"id": "", "text": "", "correct": False, "feedback": "", "weight": ""},
             "pairs": {"left": "", "right": ""}, "regions": {"shape": "circle"}}[name]
    return {**values, name: values[name] + [dict(blank)] * (least - len(values[name]))}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _region_values(region: dict[str, Any]) -> dict[str, Any]:
    values = {k: _shown(region.get(k)) for k in ROW_LISTS["regions"] if k != "points"}
    points = region.get("points")
    values["points"] = " ".join(f"{_shown(p[0])},{_shown(p[1])}" for p in points
                                if isinstance(p, list) and len(p) == 2) \
        if isinstance(points, list) else _shown(points)
    values["shape"] = region.get("shape") or "circle"
    return values


def apply_action(q: dict[str, Any], action: str) -> dict[str, Any]:
    """Add or remove a row ('add:options', 'remove:regions:2') in a question being edited."""
    verb, _, rest = action.partition(":")
    name, _, index = rest.partition(":")
    if name not in ROW_LISTS:
        return q
    rows = list(q.get(name) or [])
    if verb == "add":
        rows.append({"options": {"id": "", "text": ""}, "pairs": ["", ""],
                     "regions": {"shape": "circle"}}[name])
    elif verb == "remove" and (position := ascii_int(index, maximum=len(rows) - 1)) is not None:
        rows.pop(position)
    return {**q, name: rows}


FIELD_NAMES = {"id": "qid", "answer": "answer", "prompt": "prompt", "points": "points",
               "pool": "pool", "objective": "objective", "must_pass": "must_pass",
               "tags": "tags", "excludes": "excludes", "explanation": "explanation",
               "tolerance": "tolerance", "unit": "unit", "accept": "accept", "items": "items",
               "image": "image", "name": "name", "scoring": "scoring",
               "distractors": "distractors", "feedback_true": "feedback_true",
               "feedback_false": "feedback_false", "partial": "partial"}


def attach_problems(form: QuestionForm, qtype: str, problems: list[FieldProblem]
                    ) -> dict[str, list[str]]:
    """Put each problem on its field; return the ones for a whole list or the question."""
    general: dict[str, list[str]] = {}
    for problem in problems:
        field = _field_for(form, qtype, problem)
        if field is None:
            key = str(problem.path[0]) if problem.path and problem.path[0] in ROW_LISTS \
                else "question"
            general.setdefault(key, []).append(for_instructors(problem.message))
        else:
            field.errors = [*field.errors, for_instructors(problem.message)]
    return general


def _field_for(form: QuestionForm, qtype: str, problem: FieldProblem):
    path = problem.path
    if not path or not isinstance(path[0], str):
        return None
    head = path[0]
    if head in ROW_LISTS:
        if len(path) < 2 or not isinstance(path[1], int):
            return None
        entries = getattr(form, head).entries
        if path[1] >= len(entries):
            return None
        sub = entries[path[1]].form
        key = path[2] if len(path) > 2 and isinstance(path[2], str) else None
        if key is None and head == "options":
            key = ("id" if "'id'" in problem.message or "option id" in problem.message
                   else "weight" if "weight" in problem.message
                   else "correct" if "'correct'" in problem.message else "text")
        if key is None and head == "regions" and "'points'" in problem.message:
            key = "points"
        key = key or {"pairs": "left", "regions": "shape"}.get(head, "text")
        return getattr(sub, key, None)
    if head == "answer" and qtype == "true_false":
        return form.answer_bool
    name = FIELD_NAMES.get(head)
    return getattr(form, name) if name else None


def region_overlay(form: QuestionForm, qtype: str, assets: Path,
                   locale: str | None = None) -> dict[str, Any] | None:
    """Return what the editor draws over a body map, as `flask content regions` does:
    the regions numbered, the drawing's endangerment zones (named in `locale` where the
    drawing's zone names are translated), and what the checks find."""
    image = (form.image.data or "").strip() if qtype == "hotspot" else ""
    if not image or len(image) > 200 or "/" in image or "\\" in image or image.startswith("."):
        return None
    try:
        if not (assets / image).is_file():
            return None
    except OSError:  # a name the filesystem refuses is no drawing of ours
        return None
    drawing = load_drawing(assets / image)
    if drawing is None:
        return None
    ignore = lambda line, message: None  # noqa: E731 - field errors come from the draft check
    rows = [r for r in form.regions.data if not _blank(r, ROW_LISTS["regions"])]
    regions = [r for r in (validate_region(_region(row), 0, ignore) for row in rows) if r]
    tags = [t.strip() for t in re.split(r"[,\s]+", form.tags.data or "") if t.strip()]
    findings = [message for _, message in region_findings(
        {"regions": regions, "tags": tags}, drawing)]
    names = zone_names(assets, image, locale) if not is_source(locale) else {}
    return {"regions": region_marks(regions), "findings": findings,
            "zones": [(names.get(zone.name, zone.name), region_marks(zone.regions))
                      for zone in drawing.zones]}
