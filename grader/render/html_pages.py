"""HTML renderers: a feedback page per submission, and a class report for a batch.

Both pages are self-contained (inline CSS, plots as inline SVG drawn by
matplotlib, no script, no external asset) and readable on a phone (viewport
meta, fluid layout, long lines wrap, plots drawn narrow with large type, their
legends outside the bars). They show what the results hold: check names,
messages, hints, scores; results never hold a hidden input's values. The only
links are in-page anchors and, in the class report, relative links to the
feedback pages written beside the results (`grade --out DIR --html`).

A feedback page opens with a summary: the score and what to fix first (the
first function, in the notebook's order, that lost points, with its first
line of feedback). The class report counts, beside the diagnosed mistakes,
every failed output of every function, so the most common errors show even
where no hint applies.
"""
from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..results import Failure, SubmissionResult


def display_order(results: list[SubmissionResult]) -> list[str]:
    """The functions in the order the results list them (the exercise's display order)."""
    seen: dict[str, None] = {}
    for r in results:
        for f in r.functions:
            seen.setdefault(f.name)
    return list(seen)

CSS = """
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;color:#1d1d1f;background:#fff}
main{max-width:960px;margin:0 auto}
h1{font-size:1.4rem;margin:.4em 0;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.2em 0 .4em;overflow-wrap:anywhere}
p,li,td,th{overflow-wrap:anywhere}
.score{font-size:1.2rem;font-weight:600}
.card{border:1px solid #d2d2d7;border-radius:8px;padding:10px 12px;margin:10px 0}
.card.passed{border-left:6px solid #1a7f37}
.card.failed{border-left:6px solid #c62828}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:.85rem;color:#fff}
.badge.passed{background:#1a7f37}.badge.failed{background:#c62828}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{border-bottom:1px solid #e5e5ea;padding:4px 6px;text-align:left;vertical-align:top}
th{font-weight:600}
th.mark,td.mark{width:1.8em}
th.name,td.name{width:30%}
@media (max-width:480px){body{padding:8px;font-size:15px}th.name,td.name{width:34%}}
.hint{background:#fff8e1;border-radius:6px;padding:6px 8px;margin:6px 0}
.muted{color:#6e6e73;font-size:.9rem}
figure{margin:12px 0}
figure svg{width:100%;max-width:640px;height:auto;display:block}
figcaption{font-size:.9rem;color:#6e6e73}
.scroll{overflow-x:auto}
.summary{background:#f5f5f7;border-radius:8px;padding:10px 12px;margin:10px 0}
.summary ol{margin:.3em 0;padding-left:1.4em}
a{color:#0645ad}
"""

MARKS = {True: "✓", False: "✗"}


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>\n{body}\n</main></body></html>\n")


# ---------------------------------------------------------------------------- one submission

def feedback_page(result: SubmissionResult) -> str:
    """The feedback page of one submission: score, then per function its checks, diagnosis and score."""
    parts = [f"<h1>{escape(result.name)}</h1>", summary(result)]
    if result.messages:
        parts.append("<ul>" + "".join(f"<li>{escape(m)}</li>" for m in result.messages) + "</ul>")
    for f in result.functions:
        rows = "".join(f'<tr><td class="mark">{MARKS[c.passed]}</td><td class="name">{escape(c.name)}</td>'
                       f"<td>{escape(c.message)}</td></tr>" for c in f.checks)
        parts.append(
            f'<section class="card {f.status}" id="{escape(f.name)}">'
            f'<h2>{escape(f.name)} <span class="badge {f.status}">{f.score:g} / {f.max_score:g}</span></h2>'
            + (f"<p><strong>{escape(f.problem)}</strong></p>" if f.problem else "")
            + "".join(f'<p class="hint">Hint: {escape(h)}</p>' for h in f.hints)
            + (f'<table><thead><tr><th class="mark"></th><th class="name">check</th><th>result</th></tr></thead>'
               f"<tbody>{rows}</tbody></table>" if rows else "")
            + (f'<p class="muted">Input modified in place: -{f.penalty:g} points.</p>' if f.penalty else "")
            + "</section>")
    iso = f"Isolation: {result.sandbox_description or result.sandbox}."
    parts.append(f'<p class="muted">{escape(iso)} Each function was checked on hidden cases; '
                 f"their inputs are not shown.</p>")
    return page(f"Feedback: {result.name}", "\n".join(parts))


def lost(f) -> float:
    return round(f.max_score - f.score, 4)


def summary(result: SubmissionResult) -> str:
    """The opening box of a feedback page: the score, then the functions to fix, first one first."""
    head = f'<p class="score">Score: {result.score:g} / {result.max_score:g}</p>'
    order = {n: i for i, n in enumerate(display_order([result]))}
    failing = sorted((f for f in result.functions if not f.passed), key=lambda f: order.get(f.name, len(order)))
    if not result.functions:
        body = "<p>Nothing could be graded: see the messages below.</p>"
    elif not failing:
        body = "<p>Every function is correct on every hidden case. Nothing to fix.</p>"
    else:
        first = failing[0]
        body = (f'<p><strong>Fix first:</strong> <a href="#{escape(first.name)}">{escape(first.name)}</a> '
                f"(−{lost(first):g} points): {escape(first.summary)}</p>")
        if len(failing) > 1:
            body += ("<p>Then, in the notebook's order:</p><ol>" + "".join(
                f'<li><a href="#{escape(f.name)}">{escape(f.name)}</a> (−{lost(f):g} points)</li>'
                for f in failing[1:]) + "</ol>")
    return f'<section class="summary" id="summary">{head}{body}</section>'


def feedback_path(out: Path, name: str) -> Path:
    return out / (name + ".html")


def write_feedback_pages(out: Path, results: list[SubmissionResult], output_name) -> list[Path]:
    """Write each result's feedback page to out/<output_name(submission)>.html (atomically); their paths."""
    from .files import write_atomic

    paths = []
    for r in results:
        path = feedback_path(out, output_name(r.name))
        write_atomic(path, feedback_page(r))
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------- a class

@dataclass
class ClassData:
    results: list[SubmissionResult]
    skipped: list[str]  # files that were not results
    pages: dict[str, Path] = field(default_factory=dict)  # submission -> its feedback page, if written


def load_results(folder: Path) -> ClassData:
    """Every results.json written by `grade --out` below folder (those with extra_data.details),
    and the feedback page beside each (`grade --html`), where there is one."""
    results, skipped, pages = [], [], {}
    folder = Path(folder)
    for f in sorted(folder.rglob("*.json")):
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
            result = SubmissionResult.from_dict(doc["extra_data"]["details"])
        except (OSError, ValueError, KeyError, TypeError):
            skipped.append(str(f.relative_to(folder)))
            continue
        results.append(result)
        page = f.with_name(f.name[:-len(".json")] + ".html")
        if page.is_file():
            pages[result.name] = page
    return ClassData(results, skipped, pages)


def link(page: Path, report_dir: Path | None) -> str:
    """A relative URL from the report's folder to a feedback page (path segments percent-encoded)."""
    rel = os.path.relpath(page, report_dir) if report_dir else page.name
    return quote(Path(rel).as_posix())


def troubles(result: SubmissionResult) -> list[str]:
    """What went wrong with a submission as a whole: timeouts, crashes, files that did not load."""
    found = []
    timed = sorted({f.name for f in result.functions if f.kind is Failure.TIMEOUT})
    if timed:
        found.append("timed out in " + ", ".join(timed))
    crashed = sorted({f.name for f in result.functions if f.kind is Failure.CRASH})
    if crashed:
        found.append("stopped the worker in " + ", ".join(crashed))
    if any(f.kind is Failure.LOAD_ERROR for f in result.functions):
        found.append("failed to load: " + (result.messages[0] if result.messages else "see its results"))
    elif all(f.kind is Failure.MISSING for f in result.functions):
        found.append("no graded function found")
    return found


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(name: str, svg: str, caption: str) -> str:
    return (f'<figure class="plot" id="plot-{name}">{svg}'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


# Plots are drawn 6 inches wide with 12-13 pt type: shown 360 px wide on a phone, the type is
# still about 10 px; legends go below the axes, never over the bars.
WIDTH = 6.0
FONT = 12


def common_errors(results: list[SubmissionResult]) -> list[tuple[tuple[str, str], int]]:
    """(function, what failed) -> number of submissions, most common first: each failed output of a
    function that ran, or the reason a function could not be checked at all. Outputs of one function
    that failed in exactly the same submissions share a row ("dWf, dbf, dWi")."""
    who: dict[tuple[str, str], set] = {}
    for r in results:
        for f in r.functions:
            if f.problem:
                who.setdefault((f.name, "did not run: " + short(f.problem.split(":")[0], 32)), set()).add(r.name)
                continue
            for c in f.checks:
                if not c.passed:
                    who.setdefault((f.name, c.name), set()).add(r.name)
    grouped: dict[tuple[str, frozenset], list[str]] = {}
    for (function, what), names in who.items():
        grouped.setdefault((function, frozenset(names)), []).append(what)
    order = {n: i for i, n in enumerate(display_order(results))}
    rows = [((function, ", ".join(whats)), len(names)) for (function, names), whats in grouped.items()]
    return sorted(rows, key=lambda kv: (-kv[1], order.get(kv[0][0], 99), kv[0][1]))


def breakable(name: str) -> str:
    """An escaped function name that may wrap after its underscores on a narrow screen."""
    return escape(name).replace("_", "_<wbr>")


def _labelled_bars(plt, name: str, labels: list[str], counts: list[int], color: str, caption: str) -> str:
    """Horizontal bars with each label written above its bar, across the plot's whole width
    (readable on a phone: no column of tiny tick labels)."""
    fig, ax = plt.subplots(figsize=(WIDTH, 0.62 * len(labels) + 0.9))
    ys = [1.0 * i for i in range(len(labels))]
    bars = ax.barh(ys, counts, height=0.38, color=color)
    for i, (bar, label) in enumerate(zip(bars, labels)):
        bar.set_gid(f"bar-{name}-{i}")
        ax.text(0, ys[i] - 0.26, label, ha="left", va="bottom", fontsize=FONT - 1)
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.8)
    ax.set_xlim(0, max(counts) * 1.05)
    ax.set_xlabel("submissions")
    ax.xaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    svg = _svg(fig)
    plt.close(fig)
    return _figure(name, svg, caption)


def plots(data: ClassData, mistakes: list[tuple[tuple[str, str], int]],
          errors: list[tuple[tuple[str, str], int]] | None = None) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"  # text as paths: identical in every browser, no font needed
    plt.rcParams["font.size"] = FONT
    out = []
    totals = [r.score for r in data.results]
    maximum = max((r.max_score for r in data.results), default=100.0) or 100.0

    fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
    ax.hist(totals, bins=[maximum * k / 10 for k in range(11)], color="#3366cc", edgecolor="white")
    ax.set_xlabel(f"total score (out of {maximum:g})")
    ax.set_ylabel("submissions")
    ax.set_xlim(0, maximum)
    ax.yaxis.get_major_locator().set_params(integer=True)
    out.append(_figure("totals", _svg(fig), f"Distribution of totals over {len(totals)} submissions."))
    plt.close(fig)

    names = display_order(data.results)
    means, full = [], []
    for n in names:
        fs = [r.function(n) for r in data.results if any(f.name == n for f in r.functions)]
        means.append(100 * sum(f.score / f.max_score for f in fs) / len(fs) if fs else 0.0)
        full.append(100 * sum(f.passed for f in fs) / len(fs) if fs else 0.0)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.78 * len(names) + 1.6))
    step = 1.4  # per function: its name above its two bars, across the plot's width
    ys = [step * i for i in range(len(names))]
    for i, (bar, value) in enumerate(zip(ax.barh([y + 0.05 for y in ys], means, height=0.34, color="#3366cc",
                                                 label="mean score (% of its points)"), means)):
        bar.set_gid(f"bar-mean-{i}")
    for i, bar in enumerate(ax.barh([y + 0.41 for y in ys], full, height=0.34, color="#2e9e5b",
                                    label="full marks (% of submissions)")):
        bar.set_gid(f"bar-full-{i}")
    for y, n in zip(ys, names):
        ax.text(0, y - 0.18, n, ha="left", va="bottom", fontsize=FONT - 1)
    ax.set_yticks([])
    ax.set_ylim(ys[-1] + 0.8, -0.75)
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=1, frameon=False)
    legend.set_gid("legend")
    out.append(_figure("functions", _svg(fig), "Per function: mean score and share of full marks."))
    plt.close(fig)

    if errors:
        top = errors[:10]
        out.append(_labelled_bars(plt, "errors", [short(f"{fn}: {what}", 52) for (fn, what), _ in top],
                                  [c for _, c in top], "#cc3333",
                                  "Most common errors: failed outputs, by function (all rows in the table below)."))
    if mistakes:
        top = mistakes[:10]
        out.append(_labelled_bars(plt, "mistakes", [f"{fn}: {short(hint, 44 - len(fn))}" for (fn, hint), _ in top],
                                  [c for _, c in top], "#cc6633",
                                  "Most frequent diagnosed causes (hints; in full in the table below)."))
    return out


def short(text: str, n: int = 48) -> str:
    text = re.sub(r"`", "", text)
    n = max(n, 12)
    return text if len(text) <= n else text[:n - 1] + "…"


def class_report(data: ClassData, title: str = "Class report", report_dir: Path | None = None) -> str:
    """One self-contained HTML page for a batch of results; `report_dir` is the folder the page is
    written to (for the relative links to the feedback pages)."""
    results = data.results
    if not results:
        return page(title, f"<h1>{escape(title)}</h1><p>No results found.</p>")
    scores = sorted(r.score for r in results)
    mid = len(scores) // 2
    median = scores[mid] if len(scores) % 2 else (scores[mid - 1] + scores[mid]) / 2
    mistakes = Counter((f.name, h) for r in results for f in r.functions for h in f.hints).most_common()
    errors = common_errors(results)
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p>{len(results)} submissions: mean {sum(scores) / len(scores):.1f}, median {median:g}, "
             f"full marks {sum(r.score >= r.max_score for r in results)}.</p>"]
    parts += plots(data, mistakes, errors)

    rows = []
    for n in display_order(results):
        fs = [r.function(n) for r in results if any(f.name == n for f in r.functions)]
        if fs:
            rows.append(f"<tr><td>{breakable(n)}</td><td>{sum(f.score for f in fs) / len(fs):.2f} / {fs[0].max_score:g}</td>"
                        f"<td>{sum(f.passed for f in fs)} of {len(fs)}</td></tr>")
    parts.append('<h2>Per function</h2><div class="scroll"><table id="functions"><thead><tr><th>function</th>'
                 "<th>mean score</th><th>full marks</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")

    parts.append("<h2>Most common errors</h2>")
    if errors:
        parts.append('<table id="errors"><thead><tr><th style="width:34%">function</th><th>what failed</th>'
                     '<th style="width:5em">count</th></tr></thead><tbody>'
                     + "".join(f"<tr><td>{breakable(fn)}</td><td>{escape(what)}</td><td>{c}</td></tr>"
                               for (fn, what), c in errors) + "</tbody></table>")
    else:
        parts.append("<p>None: every function of every submission passed.</p>")

    parts.append("<h2>Diagnosed mistakes</h2>")
    if mistakes:
        parts.append('<table id="mistakes"><thead><tr><th style="width:22%">function</th><th>hint</th>'
                     '<th style="width:5em">count</th></tr></thead><tbody>'
                     + "".join(f"<tr><td>{breakable(fn)}</td><td>{escape(h)}</td><td>{c}</td></tr>"
                               for (fn, h), c in mistakes) + "</tbody></table>")
    else:
        parts.append("<p>No known mistake was diagnosed.</p>")

    trouble = [(r.name, t) for r in results for t in troubles(r)]
    parts.append("<h2>Timed out or failed to load</h2>")
    if trouble:
        parts.append('<table id="troubles"><thead><tr><th style="width:35%">submission</th><th>what happened</th>'
                     "</tr></thead><tbody>" + "".join(f"<tr><td>{escape(n)}</td><td>{escape(t)}</td></tr>"
                                                      for n, t in trouble) + "</tbody></table>")
    else:
        parts.append("<p>None: every submission loaded and every call finished.</p>")

    def name_cell(r):
        if r.name in data.pages:
            return f'<a href="{escape(link(data.pages[r.name], report_dir))}">{escape(r.name)}</a>'
        return escape(r.name)
    note = ("Each name links to its feedback page." if data.pages else
            "Feedback pages: grade with --html to write one per submission, linked from here.")
    parts.append(f'<h2>Submissions</h2><p class="muted">{note}</p><div class="scroll"><table id="submissions">'
                 '<thead><tr><th style="width:60%">submission</th><th>score</th></tr></thead><tbody>'
                 + "".join(f"<tr><td>{name_cell(r)}</td><td>{r.score:g} / {r.max_score:g}</td></tr>"
                           for r in sorted(results, key=lambda r: r.name)) + "</tbody></table></div>")
    if data.skipped:
        parts.append('<p class="muted">Not results (skipped): ' + escape(", ".join(data.skipped)) + "</p>")
    return page(title, "\n".join(parts))
