"""Spanish translations of the test course (tests/fixtures/content), written beside a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

CONTENT = Path(__file__).parent / "fixtures" / "content"

WELCOME_ES = """---
title: Bienvenida
---
Un **punto gatillo** es, según se cree, un punto sensible en una banda tensa de músculo.

| Signo | Significado |
|------|---------|
| Banda tensa | Una banda como una cuerda |

![Un mapa](assets/map.svg)

!!! warning "Compruebe primero"
    Pregunte por lesiones antes de empezar.
"""

MODULE_ES = """title: Introducción
objectives:
  INT-1: Describir un punto gatillo.
  INT-2: Mantener la presión el tiempo adecuado.
"""

COURSE_ES = """title: Fundamentos del trabajo con presión
summary: Un pequeño curso de prueba.
"""

INTRO_QUIZ_ES = """title: Cuestionario de introducción
questions:
  tp-definition:
    prompt: Un punto gatillo se describe mejor como ...
    options: {a: Un punto sensible en una banda tensa de músculo, b: Un tendón calcificado,
              c: Un ganglio linfático}
    feedback: {b: Los puntos gatillo no se forman en los tendones.,
               c: Los ganglios linfáticos no son músculo.}
    explanation: Los puntos gatillo están en **bandas tensas**.
  signs:
    prompt: ¿Cuáles son signos de un punto gatillo?
    options: {a: Banda tensa, b: Sensibilidad puntual, c: Fiebre, d: Dolor reconocido}
    feedback: {c: La fiebre es una señal de alarma.}
    explanation: La fiebre no es un signo de punto gatillo.
  latent:
    prompt: Un punto gatillo latente solo duele al presionarlo.
    explanation: Esa es la definición.
  hold-seconds:
    prompt: ¿Durante cuántos segundos, aproximadamente, se mantiene la presión?
    unit: s
    explanation: Entre 30 y 90 segundos, aproximadamente.
  referred:
    prompt: El dolor que se siente lejos del punto gatillo se llama dolor ...
    accept: [referido, dolor referido]
    explanation: Dolor referido.
  match:
    prompt: Relacione cada músculo con su zona de dolor referido.
    pairs: [[Trapecio superior, Sien], [Infraespinoso, Parte delantera del hombro],
            [Glúteo menor, Lateral de la pierna]]
    explanation: Patrones habituales.
  order:
    prompt: Ordene los pasos.
    items: [Localizar la banda, Aplicar presión, Mantener, Soltar despacio]
    explanation: Entrar despacio, mantener, salir despacio.
  spot:
    prompt: Haga clic en el punto rojo.
    explanation: El punto está a la izquierda.
"""

ZONES_ES = """names:
  test artery: arteria de prueba
"""

FILES = {
    "lessons/basics/01-intro/01-welcome.es.md": WELCOME_ES,
    "lessons/basics/01-intro/module.es.yaml": MODULE_ES,
    "lessons/basics/course.es.yaml": COURSE_ES,
    "quizzes/intro-quiz.es.yaml": INTRO_QUIZ_ES,
    "lessons/assets/map.zones.es.yaml": ZONES_ES,
}


def translated_copy(root: Path, files: dict[str, str] | None = None) -> Path:
    """Copy the test course under `root` with the Spanish files (or `files`) beside it."""
    shutil.copytree(CONTENT, root, dirs_exist_ok=True)
    for relative, text in (FILES if files is None else files).items():
        (root / relative).write_text(text, encoding="utf-8")
    return root


def stamp(root: Path, locale: str = "es") -> None:
    """Stamp every translation under `root` as `flask content translations stamp` would."""
    from tpcourse.content.loader import load_content
    from tpcourse.content.translations import stamp_text

    content = load_content(root / "lessons", root / "quizzes")
    for translation in content.translations:
        if translation.locale == locale:
            Path(translation.path).write_text(
                stamp_text(translation.text, translation.parts.values()), encoding="utf-8")
