"""The checker that finds English left on a translated page finds it, and only it."""

from tests.i18n.english import english_sentences, reads_as_english


def test_english_sentences_and_interface_words_are_found():
    assert reads_as_english("Your certificate is ready.")
    assert reads_as_english("Save")
    assert reads_as_english("Log in")


def test_spanish_names_codes_and_numbers_pass():
    for text in ("Su certificado está listo.", "Guardar", "Iniciar sesión", "TP-2025-ABCD",
                 "ana@example.org", "92 %", "Ana Ruiz", "tpcourse", "7 de marzo de 2025"):
        assert not reads_as_english(text), text


def test_attributes_are_read_and_foreign_parts_and_code_are_not():
    page = ('<html lang="es"><body><p>Bienvenida</p><img alt="A drawing of the upper back">'
            '<button aria-label="Close the dialog">x</button>'
            '<strong lang="en">English</strong><code>the and with</code>'
            '<script>var the = and;</script><input type="submit" value="Save"></body></html>')
    assert english_sentences(page) == ["A drawing of the upper back", "Close the dialog", "Save"]


def test_allowed_names_pass():
    page = '<html lang="es"><p>Trigger Point Therapy for the Neck</p></html>'
    assert english_sentences(page) == ["Trigger Point Therapy for the Neck"]
    assert english_sentences(page, allow=("Trigger Point Therapy",)) == []
