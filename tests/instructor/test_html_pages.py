"""Feedback pages (`grade --format html`) and the class report (`report`), in a real headless Chromium."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pytest

from grader import secret
from grader.exercises.rnn_lstm.problems import DISPLAY_ORDER, PROBLEMS, hidden_cases

LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", re.I)


def outside_links(text: str, page: Path, root: Path) -> list[str]:
    """The page's src/href values that are not in-page anchors, data: URLs, or relative links to
    feedback pages (.html files) that exist inside the graded folder."""
    bad = []
    for value in LINK.findall(text):
        if value.startswith("#") or value.startswith("data:"):
            continue
        url = urlparse(value)
        target = (page.parent / unquote(url.path)).resolve()
        if url.scheme or url.netloc or value.startswith("/") or not value.endswith(".html") \
                or not target.is_file() or root.resolve() not in target.parents:
            bad.append(value)
    return bad


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
        assert not outside_links(text, path, graded_class), (path, outside_links(text, path, graded_class))
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
    # totals, per function, most common errors, diagnosed causes
    assert text.count('<figure class="plot"') == 4


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
    """Does the class report load in Chromium without errors, with four plots that are not blank?"""
    import matplotlib.image as mpimg

    assert cli("report", graded_class).returncode == 0
    browser.load((graded_class / "report.html").as_uri(), width=1200, height=2000)
    assert browser.errors() == []
    boxes = json.loads(browser.evaluate(PLOTS_JS))
    assert len(boxes) == 4
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


def test_report_counts_every_failed_output(graded_class, cli):
    """Does the report count, per function, each failed output (outputs failing in the same submissions
    sharing a row), so that errors without a hint show too?"""
    assert cli("report", graded_class).returncode == 0
    text = (graded_class / "report.html").read_text()
    table = text[text.index('<table id="errors">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(\d+)</td></tr>", table)
    counted = {}
    for function, what, count in rows:
        for output in what.split(", "):
            counted[(function.replace("<wbr>", ""), output)] = int(count)
    want = {}
    for p in graded_class.rglob("*.json"):
        for f in json.loads(p.read_text())["extra_data"]["details"]["functions"]:
            if f["problem"]:
                continue
            for c in f["checks"]:
                if not c["passed"]:
                    want[(f["name"], c["name"])] = want.get((f["name"], c["name"]), 0) + 1
    assert want and all(counted.get(k) == v for k, v in want.items()), (want, counted)
    unhinted = [k for k in want if k[0] == "lstm_cell_backward"]
    assert unhinted  # the class has failures beyond the catalogue's hints, and they are counted


def test_feedback_page_opens_with_a_summary(graded_class):
    """Does each feedback page open with the score and what to fix first (the first function, in the
    notebook's order, that lost points, with its first line of feedback), linking to it?"""
    for path in graded_class.rglob("*.html"):
        if path.name == "report.html" or path.name.startswith("report"):
            continue
        text = path.read_text()
        details = json.loads(path.with_name(path.name[:-len(".html")] + ".json").read_text())["extra_data"]["details"]
        body = text[text.index("<main>"):]
        assert body.index('<section class="summary"') < body.index('<section class="card'), path
        summary = body[body.index('<section class="summary"'):body.index("</section>")]
        assert f"Score: {details['score']:g} / {details['max_score']:g}" in summary
        failing = [f for n in DISPLAY_ORDER for f in details["functions"] if f["name"] == n and f["status"] != "passed"]
        if not failing:
            assert "Nothing to fix" in summary
            continue
        first = failing[0]
        assert f'Fix first:</strong> <a href="#{first["name"]}">{first["name"]}</a>' in summary
        from html import escape
        assert escape(first["summary"]) in summary
        for f in failing[1:]:
            assert f'<a href="#{f["name"]}">' in summary
        for anchor in re.findall(r'href="#([^"]+)"', summary):
            assert f'id="{anchor}"' in text


def test_submission_rows_link_to_their_feedback_pages(graded_class, cli, tmp_path):
    """Does each submissions row link to that submission's feedback page (relative, from wherever the
    report is written), and a class graded without --html get no links?"""
    out = tmp_path / "elsewhere" / "r.html"
    for target in (graded_class / "report.html", out):
        assert cli("report", graded_class, "--output", target).returncode == 0
        text = target.read_text()
        table = text[text.index('<table id="submissions">'):]
        links = re.findall(r'<tr><td><a href="([^"]+)">([^<]+)</a></td>', table)
        names = {json.loads(p.read_text())["extra_data"]["submission"] for p in graded_class.rglob("*.json")}
        assert {n for _, n in links} == names
        for href, name in links:
            page = (target.parent / unquote(href)).resolve()
            assert page == (graded_class / (name + ".html")).resolve() and page.is_file()
    bare = tmp_path / "bare"
    for p in graded_class.rglob("*.json"):
        dest = bare / p.relative_to(graded_class)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(p.read_text())
    assert cli("report", bare).returncode == 0
    text = (bare / "report.html").read_text()
    assert "<a href" not in text[text.index('<table id="submissions">'):] and "grade with --html" in text


# ---------------------------------------------------------------------------- both widths, in the browser

WIDTHS = [(1280, False), (390, True)]
OVERFLOW_JS = "[window.innerWidth, document.documentElement.scrollWidth, document.body.scrollWidth]"
RECTS_JS = """JSON.stringify([...document.querySelectorAll('%s')].map(e => {
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }))"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.slow
@pytest.mark.parametrize("width, mobile", WIDTHS, ids=["desktop-1280", "phone-390"])
def test_pages_fit_the_screen(browser, graded_class, cli, width, mobile, tmp_path):
    """At 1280 and 390 px, do the report and the feedback pages load without errors and without
    horizontal overflow (screenshots saved beside the test's files)?"""
    assert cli("report", graded_class).returncode == 0
    pages = [graded_class / "report.html", graded_class / "bob" / "buggy.ipynb.html",
             graded_class / "carol" / "loop.py.html", graded_class / "dave" / "invalid.ipynb.html"]
    for path in pages:
        browser.load(path.as_uri(), width=width, height=900, mobile=mobile)
        assert browser.errors() == [], path.name
        inner, scroll, body = browser.evaluate(OVERFLOW_JS)
        assert inner == width and scroll <= width and body <= width, (path.name, inner, scroll, body)
        (tmp_path / f"{path.stem}-{width}.png").write_bytes(browser.screenshot())


@pytest.mark.slow
@pytest.mark.parametrize("width, mobile", WIDTHS, ids=["desktop-1280", "phone-390"])
def test_report_plots_are_readable(browser, graded_class, cli, width, mobile):
    """Is the per-function legend clear of every bar, and is the plots' type at least 9 px high on screen
    (12 pt in the SVG's own units, scaled to the width it is shown at)?"""
    assert cli("report", graded_class).returncode == 0
    browser.load((graded_class / "report.html").as_uri(), width=width, height=900, mobile=mobile)
    legend = json.loads(browser.evaluate(RECTS_JS % "#plot-functions svg #legend"))
    bars = json.loads(browser.evaluate(RECTS_JS % "#plot-functions svg [id^=bar-]"))
    assert len(legend) == 1 and len(bars) == 2 * len(DISPLAY_ORDER)
    assert all(r[2] > r[0] for r in bars)  # drawn (mean and full-mark bars have a width)
    assert not [b for b in bars if overlap(legend[0], b)], (legend, bars)
    scales = browser.evaluate("""[...document.querySelectorAll('figure.plot svg')].map(
        s => s.getBoundingClientRect().width / s.viewBox.baseVal.width)""")
    assert len(scales) == 4
    from grader.render.html_pages import FONT
    assert min(scales) * (FONT - 1) * 96 / 72 >= 9, scales  # pt -> px at the drawn scale


@pytest.mark.slow
def test_report_links_open_the_feedback_pages(browser, graded_class, cli):
    """In the browser, does every submissions row carry a link whose resolved URL is that submission's page?"""
    assert cli("report", graded_class).returncode == 0
    browser.load((graded_class / "report.html").as_uri(), width=390, height=900, mobile=True)
    links = browser.evaluate("[...document.querySelectorAll('#submissions a')].map(a => [a.textContent, a.href])")
    names = {json.loads(p.read_text())["extra_data"]["submission"] for p in graded_class.rglob("*.json")}
    assert {t for t, _ in links} == names
    for text, href in links:
        path = Path(unquote(urlparse(href).path))
        assert path == (graded_class / (text + ".html")).resolve() and path.is_file()
    first = links[0][1]
    browser.load(first, width=390, height=900, mobile=True)
    assert browser.evaluate("document.querySelector('section.summary') !== null")
