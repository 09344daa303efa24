"""Answer an attempt in the browser, the way a trainee would, from the stored draw."""

from __future__ import annotations

from tests.helpers import field as field_for
from tpcourse.grading.types import question_type


def answer_in_browser(page, attempt, correct: bool = True, keyboard_hotspot: bool = False,
                      numbers=None):
    """Fill every question of `attempt` on the open attempt page (only those `numbers`, the
    questions of one page of a paged quiz, if given)."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    for number, qid in enumerate(attempt.question_ids, start=1):
        if numbers is not None and number not in numbers:
            continue
        q, order, field = by_id[qid], attempt.orders.get(qid, []), field_for(attempt, qid)
        key = question_type(q["type"]).key_response(q)
        kind = q["type"]
        if kind == "single":
            target = key if correct else next(o["id"] for o in q["options"] if not o["correct"])
            page.check(f'input[name="{field}"][value="{order.index(target)}"]')
        elif kind == "multiple":
            for option in q["options"]:
                if option["correct"] == correct:
                    page.check(f'input[name="{field}"][value="{order.index(option["id"])}"]')
        elif kind == "true_false":
            value = "true" if q["answer"] == correct else "false"
            page.check(f'input[name="{field}"][value="{value}"]')
        elif kind in ("numeric", "short_text"):
            page.fill(f'#{field}', str(key) if correct else "999999")
        elif kind in ("matching", "ordering"):
            chosen = key if correct else key[1:] + key[:1]
            for index, text in enumerate(chosen):
                page.select_option(f'#{field}-{index}', str(order.index(text)))
        elif kind == "hotspot":
            _mark(page, q, field, key if correct else _outside(q), keyboard_hotspot)


def _outside(q):
    minx, miny, width, height = q["viewbox"]
    return [minx + width * 0.98, miny + height * 0.98]


def _mark(page, q, field, point, keyboard: bool) -> None:
    box = page.locator(f'.hotspot[data-field="{field}"]')
    image = box.locator(".hotspot-image")
    # quiz.js marks the drawing's box as an application once set up; clicking earlier would submit
    # the form the no-JS way (a save and a page reload) and race the rest of the answering.
    page.wait_for_selector(
        f'.hotspot[data-field="{field}"] .hotspot-stage[role="application"] .hotspot-image')
    image.scroll_into_view_if_needed()
    minx, miny, width, height = q["viewbox"]
    if not keyboard:
        # Locator.click waits for the image to stop moving and checks that the click lands on
        # it (a raw mouse click at precomputed coordinates could hit another control if the
        # layout shifted in between).
        # Positions are relative to the padding box, so scale by the size inside the border.
        inner_width, inner_height = image.evaluate("el => [el.clientWidth, el.clientHeight]")
        image.click(position={"x": (point[0] - minx) / width * inner_width,
                              "y": (point[1] - miny) / height * inner_height})
        return
    image.focus()
    step = width * 0.01
    page.keyboard.press("ArrowRight")  # places the marker at the centre, one step right
    x, y = minx + width / 2 + step, miny + height / 2
    while abs(x - point[0]) > step:
        page.keyboard.press("ArrowRight" if point[0] > x else "ArrowLeft")
        x += step if point[0] > x else -step
    while abs(y - point[1]) > step:
        page.keyboard.press("ArrowDown" if point[1] > y else "ArrowUp")
        y += step if point[1] > y else -step


def register_in_browser(page, base: str, app, name: str, email: str, password: str) -> None:
    """Register as a person does: the form, the emailed link (from the app's outbox), the
    password; end on the course list, signed in."""
    from tests.helpers import link_in, outbox

    page.goto(base + "/register")
    page.fill("#name", name)
    page.fill("#email", email)
    page.click("button:has-text('Email me the link')")
    page.locator("h1:has-text('Check your email')").wait_for()
    message = next(m for m in outbox(app) if m.to == email.lower())
    page.goto(base + link_in(message.body, "/register/finish/"))
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.click("button:has-text('Create my account')")
    page.wait_for_url(base + "/")
