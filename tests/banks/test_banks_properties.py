"""Property tests: no input makes a parser raise; exported questions read back the same."""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tpcourse.banks import (
    BankImport,
    export_aiken,
    export_gift,
    export_moodle_xml,
    export_qti21,
    parse_aiken,
    parse_canvas_qti,
    parse_gift,
    parse_moodle_xml,
    parse_qti21,
)
from tpcourse.banks.model import tidy_number
from tpcourse.content.markdown import render_markdown

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GIFT_PIECES = st.sampled_from([
    "{", "}", "=", "~", "#", "####", ":", "::", "->", "..", "%50%", "%-100%", "\\", "\\n",
    "\n", "\n\n", " ", "T", "FALSE", "[html]", "$CATEGORY:", "$X", "//", "// [tag:a]",
    "60", "1..5", "A. ", "ANSWER: A", "a", "Trapezius",
])
gift_like = st.lists(GIFT_PIECES, max_size=40).map("".join)
XML_PIECES = st.sampled_from([
    "<quiz>", "</quiz>", '<question type="multichoice">', '<question type="numerical">',
    '<question type="category">', "</question>", "<questiontext>", "</questiontext>",
    "<text>", "</text>", '<answer fraction="100">', '<answer fraction="-50">', "</answer>",
    "<single>false</single>", "<tolerance>2</tolerance>", "<units><unit><unit_name>s",
    "</unit_name></unit></units>", "<subquestion>", "</subquestion>", "60", "x", "&amp;",
    "<!DOCTYPE q>", "&e;", "<![CDATA[<p>", "]]>",
])
xml_like = st.lists(XML_PIECES, max_size=40).map(lambda parts: "".join(parts).encode())


def _is_import(result) -> bool:
    return isinstance(result, BankImport) and all(p.line >= 1 for p in result.problems)


@FUZZ
@given(st.one_of(st.text(), gift_like))
def test_gift_parser_never_raises(text):
    result = parse_gift(text)
    assert _is_import(result)
    export = export_gift(result.questions)
    if not export.notes:
        assert parse_gift(export.content).questions == result.questions


@FUZZ
@given(st.one_of(st.text(), gift_like))
def test_aiken_parser_never_raises(text):
    result = parse_aiken(text)
    assert _is_import(result)
    export = export_aiken(result.questions)
    if not export.notes:
        assert parse_aiken(export.content).questions == result.questions


@FUZZ
@given(st.one_of(st.binary(), xml_like, st.text().map(str.encode)))
def test_moodle_xml_parser_never_raises(data):
    assert _is_import(parse_moodle_xml(data))


# Well-formed platform questions, as a quiz file would hold them.
slug = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True)
text = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(lambda t: t and not t.startswith(("%", "[")) and "->" not in t)
)
number = st.floats(-1e6, 1e6, allow_nan=False).map(tidy_number)


@st.composite
def question(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false", "numeric",
                                 "short_text", "matching"]))
    fields = {"type": kind, "prompt": draw(text)}
    if draw(st.booleans()):
        fields["pool"] = draw(slug)
    if kind in {"single", "multiple"}:
        texts = draw(st.lists(text, min_size=2, max_size=6))
        right = draw(st.sets(st.integers(0, len(texts) - 1), min_size=1, max_size=len(texts)))
        right = {min(right)} if kind == "single" else right
        fields["options"] = [
            {"id": chr(97 + i), "text": t, **({"correct": True} if i in right else {})}
            for i, t in enumerate(texts)
        ]
    elif kind == "true_false":
        fields["answer"] = draw(st.booleans())
    elif kind == "numeric":
        fields["answer"] = draw(number)
        tolerance = draw(st.floats(0, 1000).map(tidy_number))
        if tolerance:
            fields["tolerance"] = tolerance
    elif kind == "short_text":
        fields["accept"] = draw(st.lists(text, min_size=1, max_size=3, unique=True))
    else:
        lefts = draw(st.lists(text, min_size=2, max_size=4, unique=True))
        rights = draw(st.lists(text, min_size=len(lefts), max_size=len(lefts), unique=True))
        fields["pairs"] = [list(pair) for pair in zip(lefts, rights, strict=True)]
    if draw(st.booleans()):
        fields["explanation"] = draw(text)
    return fields


questions = st.lists(question(), max_size=6).map(
    lambda qs: [{"id": f"q{i}-x", **q} for i, q in enumerate(qs)])


def _ordered(items):
    return [{key: item[key] for key in sorted(item)} for item in items]


@settings(max_examples=200, deadline=None)
@given(questions)
def test_gift_round_trip_of_platform_questions(items):
    export = export_gift(items)
    assert export.notes == []
    result = parse_gift(export.content)
    assert [p for p in result.problems if p.severity == "error"] == []
    assert _ordered(result.questions) == _ordered(items)


@settings(max_examples=200, deadline=None)
@given(questions)
def test_moodle_xml_round_trip_of_platform_questions(items):
    export = export_moodle_xml(items)
    assert export.notes == []
    assert _ordered(parse_moodle_xml(export.content).questions) == _ordered(items)


def _moodle_score(weights: list[float], chosen: set[int]) -> float:
    """Moodle's multiple-answer grade: the sum of the chosen weights, clamped to 0..1."""
    return min(1.0, max(0.0, sum(weights[i] for i in chosen) / 100))


def _platform_score(correct: list[bool], chosen: set[int]) -> float:
    """CONTENT_FORMAT.md: +1/k per correct option chosen, -1/k per wrong one, floor 0."""
    k = sum(correct)
    hits = sum(1 for i in chosen if correct[i])
    return max(0.0, (hits - (len(chosen) - hits)) / k)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), min_size=2, max_size=6).filter(any))
def test_exported_weights_score_the_same_in_moodle(correct):
    """The weights to_gift writes (±100/k) make Moodle grade exactly like the platform."""
    options = [{"id": chr(97 + i), "text": f"Option {i}", **({"correct": True} if c else {})}
               for i, c in enumerate(correct)]
    exported = export_gift([{"id": "m", "type": "multiple", "prompt": "Pick", "options": options}])
    weights = [float(line.split("%")[1]) for line in exported.content.splitlines()
               if line.startswith("~")]
    reread = parse_gift(exported.content)
    assert [p for p in reread.problems if p.severity == "warning"] == []
    assert [bool(o.get("correct")) for o in reread.questions[0]["options"]] == correct
    for size in range(len(correct) + 1):
        for chosen in combinations(range(len(correct)), size):
            moodle = _moodle_score(weights, set(chosen))
            assert abs(moodle - _platform_score(correct, set(chosen))) < 1e-4


@FUZZ
@given(st.one_of(st.binary(), xml_like, st.text().map(str.encode)))
def test_qti_parsers_never_raise(data):
    assert _is_import(parse_qti21(data))
    assert _is_import(parse_canvas_qti(data))


plain_text = text.filter(lambda t: "\xa0" not in t)
# Prompts and feedback are Markdown: sentences with the characters Markdown and HTML treat
# specially (not block syntax such as '# heading', which QTI's XHTML carries differently).
sentence = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.?!'&<>*_()\[\]`]{0,30}",
                         fullmatch=True).map(str.strip)
# Issue 24's constructs: names, scoring rules and weights, partial answers, shared matching
# answers and distractors, ordering, per-answer true/false feedback.
name = st.from_regex(r"[A-Z][a-z]{1,8}( [a-z]{1,8}){0,3}", fullmatch=True)
weight = st.integers(-100, 100)


@st.composite
def faithful_question(draw):
    text = plain_text  # no-break spaces become spaces when HTML is read (QTI)
    kind = draw(st.sampled_from(["single", "multiple", "true_false", "numeric", "short_text",
                                 "matching", "ordering"]))
    fields = {"type": kind, "prompt": draw(sentence)}
    if draw(st.booleans()):
        fields["name"] = draw(name)
    if kind == "single":
        texts = draw(st.lists(text, min_size=2, max_size=5))
        weights = [100] + draw(st.lists(st.integers(-100, 99), min_size=len(texts) - 1,
                                        max_size=len(texts) - 1).filter(any))  # not all 0
        fields["scoring"] = "weights"
        fields["options"] = [{"id": chr(97 + i), "text": t, **({"correct": True} if i == 0
                                                                 else {}), "weight": w}
                             for i, (t, w) in enumerate(zip(texts, weights, strict=True))]
    elif kind == "multiple":
        texts = draw(st.lists(text, min_size=2, max_size=5))
        rule = draw(st.sampled_from(["weights", "all_or_nothing", None]))
        right = draw(st.sets(st.integers(0, len(texts) - 1), min_size=1,
                             max_size=len(texts) - (rule == "weights")))
        options = [{"id": chr(97 + i), "text": t, **({"correct": True} if i in right else {})}
                   for i, t in enumerate(texts)]
        if rule == "weights":  # a wrong option at 0%: not the platform's own rule
            k, zero = len(right), min(set(range(len(texts))) - right)
            for i, option in enumerate(options):
                option["weight"] = 100 // k + (100 % k if i == min(right) else 0) \
                    if i in right else 0 if i == zero else draw(st.integers(-100, 0))
        if rule:
            fields["scoring"] = rule
        fields["options"] = options
    elif kind == "true_false":
        fields["answer"] = draw(st.booleans())
        for key in ("feedback_true", "feedback_false"):
            if draw(st.booleans()):
                fields[key] = draw(sentence)
    elif kind == "numeric":
        fields["answer"] = draw(st.integers(-1000, 1000))
        fields["partial"] = [{"answer": draw(st.integers(-1000, 1000)),
                              "tolerance": draw(st.integers(1, 50)), "weight": draw(
                                  st.integers(1, 99))}]
    elif kind == "short_text":
        accept = draw(st.lists(text, min_size=1, max_size=2, unique=True))
        other = draw(text.filter(lambda t: t not in accept))
        fields["accept"] = accept
        fields["partial"] = [{"text": other, "weight": draw(st.integers(1, 99))}]
    elif kind == "matching":
        lefts = draw(st.lists(text, min_size=2, max_size=4, unique=True))
        answers = draw(st.lists(text, min_size=2, max_size=3, unique=True))
        rights = [answers[i % len(answers)] for i in range(len(lefts))]  # shared answers
        fields["pairs"] = [list(pair) for pair in zip(lefts, rights, strict=True)]
        extra = draw(text.filter(lambda t: t not in answers))
        fields["distractors"] = [extra]
    else:
        fields["items"] = draw(st.lists(text, min_size=2, max_size=4, unique=True))
        if draw(st.booleans()):
            fields["scoring"] = "all_or_nothing"
    return fields


def _shown(items):
    """Questions with each Markdown text replaced by what it renders to: QTI carries HTML, and
    several Markdown texts render alike ('0[' and '0\\['), so that is what must survive."""
    shown = []
    for item in _ordered(items):
        item = dict(item)
        for key in ("prompt", "explanation", "feedback_true", "feedback_false"):
            if key in item:
                item[key] = render_markdown(item[key])
        if "options" in item:
            item["options"] = [{**o, **({"feedback": render_markdown(o["feedback"])}
                                        if "feedback" in o else {})} for o in item["options"]]
        shown.append(item)
    return shown


faithful_questions = st.lists(faithful_question(), min_size=1, max_size=5).map(
    lambda qs: [{"id": f"q{i}-x", **q} for i, q in enumerate(qs)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(faithful_questions)
def test_faithful_questions_round_trip_through_moodle_xml_and_qti(items):
    """Moodle XML and QTI 2.1 hold every construct: the questions read back the same."""
    xml = export_moodle_xml(items)
    assert all("multichoiceset" in n.message for n in xml.notes)
    assert _ordered(parse_moodle_xml(xml.content).questions) == _ordered(items)
    package = export_qti21(items, render_markdown)
    assert package.notes == []
    back = parse_qti21(package.content, render=render_markdown)
    assert [p for p in back.problems if p.severity == "error"] == []
    assert _shown(back.questions) == _shown(items)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(faithful_questions)
def test_faithful_questions_round_trip_through_gift(items):
    """GIFT holds every construct but ordering and all-or-nothing, which it notes."""
    export = export_gift(items)
    skipped = {n.question_id for n in export.notes if "skipped" in n.message}
    approximated = {n.question_id for n in export.notes if "skipped" not in n.message}
    kept = [q for q in items if q["id"] not in skipped]
    back = {q["id"]: q for q in parse_gift(export.content).questions}
    assert set(back) == {q["id"] for q in kept}
    for question in kept:
        if question["id"] in approximated:  # all or nothing, written with GIFT's weights
            assert back[question["id"]]["type"] == question["type"]
            continue
        assert _ordered([back[question["id"]]]) == _ordered([question])
