"""Test helpers: build the form a trainee would post for an attempt."""

from __future__ import annotations

from typing import Any


def field(attempt, qid: str) -> str:
    """Return the form field name of drawn question `qid` (fields are named by position)."""
    from tpcourse.services.exams.attempts import field_name

    return field_name(attempt.question_ids.index(qid) + 1)


def answer_form(attempt, correct: bool = True, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return form data answering every drawn question right (or wrong), as a browser would."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    form: dict[str, Any] = {}
    for qid in attempt.question_ids:
        if qid in skip:
            continue
        q, order, name = by_id[qid], attempt.orders.get(qid, []), field(attempt, qid)
        kind = q["type"]
        if kind == "single":
            target = next(o["id"] for o in q["options"] if o["correct"] == correct)
            form[name] = str(order.index(target))
        elif kind == "multiple":
            chosen = [o["id"] for o in q["options"] if o["correct"] == correct]
            form[name] = [str(order.index(c)) for c in chosen]
        elif kind == "true_false":
            form[name] = "true" if q["answer"] == correct else "false"
        elif kind == "numeric":
            form[name] = str(q["answer"] if correct else q["answer"] + q["tolerance"] + 1000)
        elif kind == "short_text":
            form[name] = q["accept"][0].upper() if correct else "zzz"
        elif kind == "matching":
            rights = [p[1] for p in q["pairs"]]
            chosen = rights if correct else rights[1:] + rights[:1]
            for i, right in enumerate(chosen):
                form[f"{name}-{i}"] = str(order.index(right))
        elif kind == "ordering":
            items = q["items"] if correct else list(reversed(q["items"]))
            for i, item in enumerate(items):
                form[f"{name}-{i}"] = str(order.index(item))
        elif kind == "hotspot":
            region = q["regions"][0]
            x, y = _inside(region) if correct else _outside(q)
            form[f"{name}-x"], form[f"{name}-y"] = str(x), str(y)
    return form


def _inside(region) -> tuple[float, float]:
    if region["shape"] == "circle":
        return region["cx"], region["cy"]
    if region["shape"] == "rect":
        return region["x"] + region["width"] / 2, region["y"] + region["height"] / 2
    xs = [p[0] for p in region["points"]]
    ys = [p[1] for p in region["points"]]
    return sum(xs) / len(xs), sum(ys) / len(ys)


def _outside(q) -> tuple[float, float]:
    from tpcourse.grading.types.hotspot import point_in_region

    minx, miny, width, height = q["viewbox"]
    for fx in (0.01, 0.99, 0.5):
        for fy in (0.01, 0.99, 0.5):
            x, y = minx + fx * width, miny + fy * height
            if not any(point_in_region(x, y, r) for r in q["regions"]):
                return x, y
    raise AssertionError("no point outside every region")


def outbox(app, limit: int = 1000) -> list:
    """The messages the app kept in its outbox (no MAIL_SERVER in tests), newest first."""
    from tpcourse.services.notifications.mail import outbox_messages

    with app.app_context():
        return outbox_messages(limit)


def link_in(body: str, path: str) -> str:
    """The first link in an email whose path starts with `path`, as a path for the client."""
    import re
    from urllib.parse import urlsplit

    for url in re.findall(r"https?://\S+", body):
        if urlsplit(url).path.startswith(path):
            return urlsplit(url).path
    raise AssertionError(f"no link to {path} in:\n{body}")


def register(client, app, name: str = "Ana Kim", email: str = "ana@example.com",
             password: str = "long password 1"):
    """Register as a browser does: the form, the emailed link, the password; return the last
    response (a redirect when the account was created)."""
    first = client.post("/register", data={"name": name, "email": email})
    assert first.status_code == 200, first.get_data(as_text=True)
    link = link_in(outbox(app)[0].body, "/register/finish/")
    return client.post(link, data={"password": password, "confirm": password})
