"""Markdown rendering keeps what lessons need and strips what attackers send."""

from tpcourse.content.markdown import render_markdown, word_count


def test_tables_admonitions_and_images_render():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n!!! danger \"Stop\"\n    Refer."
                           "\n\n![Map](assets/x.svg)")
    assert "<table>" in html and "<td>1</td>" in html
    assert '<div class="admonition danger">' in html and "Stop" in html
    assert '<img alt="Map" src="/assets/x.svg">' in html


def test_headings_start_below_the_page_title():
    assert render_markdown("# Title").startswith('<h2 id="title">')


def test_hostile_html_is_removed():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)">'
                           '[x](javascript:alert(1)) <a href="https://ok.example">ok</a>'
                           '<div class="admonition evil" style="x">d</div><iframe src=x>')
    for bad in ("<script", "onerror", "javascript:", "evil", "style=", "<iframe"):
        assert bad not in html
    assert 'href="https://ok.example"' in html


def test_word_count():
    assert word_count("Hello **world**, it's a trigger-point.") == 5
