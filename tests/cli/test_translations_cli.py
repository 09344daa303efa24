"""flask content check / translations status / translations stamp on translated content."""

from __future__ import annotations

from tests.translation_fixtures import FILES, MODULE_ES, translated_copy


def _use(app, root):
    app.config.update(TPCOURSE_LESSONS_DIR=str(root / "lessons"),
                      TPCOURSE_QUIZZES_DIR=str(root / "quizzes"), TPCOURSE_LOCALES="en,es")


def test_check_warns_of_missing_and_unstamped_with_a_line_per_locale(runner, app, tmp_path):
    _use(app, translated_copy(tmp_path))
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "02-holding.md:1: warning: no es translation (02-holding.es.md)" in result.output
    assert "01-welcome.es.md:3: warning: es translation is not stamped" in result.output
    assert "Translations es: 0 of 10 translations current, 5 missing, 5 stale or not " \
           "stamped, 0 incomplete." in result.output


def test_check_fails_on_a_malformed_translation(runner, app, tmp_path):
    relative = "lessons/basics/01-intro/module.es.yaml"
    _use(app, translated_copy(tmp_path, {**FILES, relative: MODULE_ES + "  INT-7: x\n"}))
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "module.es.yaml:5: objective 'INT-7' is not in the source" in result.output


def test_stamp_then_status(runner, app, tmp_path):
    root = translated_copy(tmp_path)
    _use(app, root)
    quiz_before = (root / "quizzes/intro-quiz.es.yaml").read_bytes()
    result = runner.invoke(args=["content", "translations", "stamp", "es"])
    assert result.exit_code == 0, result.output
    assert "5 files stamped for es." in result.output
    stamped = (root / "quizzes/intro-quiz.es.yaml").read_bytes()
    assert [line for line in stamped.splitlines() if b"source:" not in line] == \
        quiz_before.splitlines()
    status = runner.invoke(args=["content", "translations", "status", "es"])
    lines = status.output.splitlines()
    assert any(line.startswith("current") and line.endswith("01-intro/01-welcome.es.md")
               for line in lines), status.output
    assert any(line.startswith("missing") and line.endswith("02-safety/module.es.yaml")
               for line in lines)
    assert lines[-1] == "es: 5 of 10 translations current, 5 missing, 0 stale or not " \
                        "stamped, 0 incomplete."
    again = runner.invoke(args=["content", "translations", "stamp", "es"])
    assert "0 files stamped for es." in again.output


def test_stamp_skips_a_file_with_problems(runner, app, tmp_path):
    relative = "lessons/basics/01-intro/module.es.yaml"
    root = translated_copy(tmp_path, {**FILES, relative: MODULE_ES + "quiz: x\n"})
    _use(app, root)
    result = runner.invoke(args=["content", "translations", "stamp", "es"])
    assert result.exit_code == 1 and "module.es.yaml: fix its problems first" in result.output
    assert "source:" not in (root / relative).read_text()
