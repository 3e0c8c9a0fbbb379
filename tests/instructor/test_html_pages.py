"""Feedback pages (`grade --format html`) and the class report (`report`), in a real headless Chromium."""
from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest

from grader import secret
from grader.problems import DISPLAY_ORDER, PROBLEMS, hidden_cases

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?!#|data:)""", re.I)


def hidden_values(limit_per_case: int = 40) -> set[str]:
    """Texts a page would contain if it showed hidden inputs or expected outputs."""
    texts = set()

    def walk(x):
        if isinstance(x, np.ndarray) and x.size:
            for v in x.ravel()[:limit_per_case]:
                texts.update({repr(float(v)), f"{float(v):.5f}"})
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)

    key = secret.find().key  # the suite's secret (tests/conftest.py), which the graded class used
    for problem in PROBLEMS:
        for case in hidden_cases(problem, key):
            walk(case.args)
            walk(case.expected)
    return {t for t in texts if len(t.strip("-0.")) >= 4}


def test_feedback_page_shows_checks_diagnosis_and_score(graded_class):
    """Does a feedback page show every function with its score, every check, and the diagnosed mistake?"""
    page = (graded_class / "bob" / "buggy.ipynb.html").read_text()
    doc = json.loads((graded_class / "bob" / "buggy.ipynb.json").read_text())
    assert f"Score: {doc['score']:g} / 100" in page
    for test in doc["tests"]:
        assert f'id="{test["name"]}"' in page and f"{test['score']:g} / {test['max_score']:g}" in page
    for f in doc["extra_data"]["details"]["functions"]:
        for c in f["checks"]:
            assert c["name"] in page
    assert "the tanh on the cell state is missing" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_pages_never_show_hidden_values(graded_class):
    """Do the feedback pages and the class report leave out every hidden input and expected value?"""
    values = hidden_values()
    assert len(values) > 500
    pages = sorted(graded_class.rglob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        text = path.read_text()
        leaked = [v for v in values if v in text]
        assert not leaked, (path.name, leaked[:5])


def test_pages_are_self_contained(graded_class, cli):
    """Do the pages load nothing from elsewhere (no src/href but in-page anchors and data: URLs, no script)?"""
    proc = cli("report", graded_class)
    assert proc.returncode == 0, proc.stderr
    for path in [graded_class / "report.html", graded_class / "bob" / "buggy.ipynb.html"]:
        text = path.read_text()
        assert not EXTERNAL.search(text), path
        assert "<script" not in text and "@import" not in text
        assert not re.search(r"url\(\s*['\"]?(?!#)", text)  # only in-page references (SVG clip paths)


def test_format_html_needs_out(cli, tmp_path):
    """Is --format html without --out a usage error that says what to add?"""
    (tmp_path / "x.py").write_text("def f(): pass\n")
    proc = cli("grade", tmp_path / "x.py", "--format", "html")
    assert proc.returncode == 2 and "--out" in proc.stderr and proc.stdout == ""


def test_report_lists_mistakes_and_troubles(graded_class, cli):
    """Does the class report count the diagnosed mistakes and list the timed-out and unloadable submissions?"""
    out = graded_class.parent / "report-copy.html"
    proc = cli("report", graded_class, "--output", out)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    details = [json.loads(p.read_text())["extra_data"]["details"] for p in graded_class.rglob("*.json")]
    assert f"{len(details)} submissions" in text
    hints = [h for d in details for f in d["functions"] for h in f["hints"]]
    assert hints and all(h.replace("`", "&#x27;") in text or h in text or
                         h.replace("'", "&#x27;") in text for h in hints)
    troubles = text[text.index("Timed out or failed to load"):]
    assert "carol/loop.py" in troubles and "timed out" in troubles
    assert "dave/invalid.ipynb" in troubles and "failed to load" in troubles
    assert "alice/correct.py" not in troubles.split("<h2>Submissions")[0]
    for name in DISPLAY_ORDER:
        assert name in text
    assert text.count('<figure class="plot"') == 3


def test_report_on_a_folder_without_results_is_a_usage_error(cli, tmp_path):
    """Does `report` on a folder with no results exit 2 and say how to produce them?"""
    proc = cli("report", tmp_path)
    assert proc.returncode == 2 and "grade" in proc.stderr and "--out" in proc.stderr


# ---------------------------------------------------------------------------- in the browser

PLOTS_JS = """JSON.stringify([...document.querySelectorAll('figure.plot svg')].map(e => {
  const r = e.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width, r.height]; }))"""


@pytest.mark.slow
def test_browser_detects_errors_at_all(browser, tmp_path):
    """Does the browser harness see a JavaScript error when there is one (so 'no errors' means something)?"""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>console.error('x'); notDefined();</script></body></html>")
    browser.load(bad.as_uri())
    errors = browser.errors()
    assert any("notDefined" in e for e in errors) and any("console.error" in e for e in errors)


@pytest.mark.slow
def test_class_report_in_chromium(browser, graded_class, cli):
    """Does the class report load in Chromium without errors, with three plots that are not blank?"""
    import matplotlib.image as mpimg

    assert cli("report", graded_class).returncode == 0
    browser.load((graded_class / "report.html").as_uri(), width=1200, height=2000)
    assert browser.errors() == []
    boxes = json.loads(browser.evaluate(PLOTS_JS))
    assert len(boxes) == 3
    png = mpimg.imread(io.BytesIO(browser.screenshot()), format="png")[..., :3]
    background = png[5, 5]
    for x, y, w, h in boxes:
        assert w > 300 and h > 150, (x, y, w, h)
        region = png[int(y):int(y + h), int(x):int(x + w)]
        drawn = np.any(np.abs(region - background) > 0.1, axis=-1).mean()
        coloured = (np.ptp(region, axis=-1) > 0.2).mean()  # bars are coloured, axes and text are grey
        assert drawn > 0.02 and coloured > 0.01, (x, y, drawn, coloured)


@pytest.mark.slow
def test_feedback_page_fits_a_phone(browser, graded_class):
    """At a 390 px wide phone viewport, do the feedback pages load without errors and without horizontal overflow?"""
    for path in [graded_class / "bob" / "buggy.ipynb.html", graded_class / "carol" / "loop.py.html",
                 graded_class / "dave" / "invalid.ipynb.html"]:
        browser.load(path.as_uri(), width=390, height=844, mobile=True)
        assert browser.errors() == []
        inner, scroll, body = browser.evaluate(
            "[window.innerWidth, document.documentElement.scrollWidth, document.body.scrollWidth]")
        assert inner == 390 and scroll <= 390 and body <= 390, (path.name, inner, scroll, body)
        assert browser.evaluate("document.querySelectorAll('section.card').length") == len(DISPLAY_ORDER)
