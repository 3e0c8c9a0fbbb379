"""HTML renderers: a feedback page per submission, and a class report for a batch.

Both pages are self-contained (inline CSS, plots as inline SVG drawn by
matplotlib, no script, no external asset) and readable on a phone (viewport
meta, fluid layout, long lines wrap). They show what the results hold: check
names, messages, hints, scores; results never hold a hidden input's values.
"""
from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .problems import BY_NAME, DISPLAY_ORDER
from .results import SubmissionResult

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
figure svg{width:100%;height:auto;display:block}
figcaption{font-size:.9rem;color:#6e6e73}
.scroll{overflow-x:auto}
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
    parts = [f"<h1>{escape(result.name)}</h1>",
             f'<p class="score">Score: {result.score:g} / {result.max_score:g}</p>']
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


def feedback_path(out: Path, name: str) -> Path:
    return out / (name + ".html")


# ---------------------------------------------------------------------------- a class

@dataclass
class ClassData:
    results: list[SubmissionResult]
    skipped: list[str]  # files that were not results


def load_results(folder: Path) -> ClassData:
    """Every results.json written by `grade --out` below folder (those with extra_data.details)."""
    results, skipped = [], []
    for f in sorted(Path(folder).rglob("*.json")):
        try:
            doc = json.loads(f.read_text(encoding="utf-8"))
            results.append(SubmissionResult.from_dict(doc["extra_data"]["details"]))
        except (OSError, ValueError, KeyError, TypeError):
            skipped.append(str(f.relative_to(folder)))
    return ClassData(results, skipped)


TIMEOUT_WORDS = ("did not finish",)
CRASH_WORDS = ("stopped the worker",)
LOAD_WORDS = ("could not be read", "could not load the submission's definitions")


def troubles(result: SubmissionResult) -> list[str]:
    """What went wrong with a submission as a whole: timeouts, crashes, files that did not load."""
    texts = [f.problem or "" for f in result.functions] + [c.message for f in result.functions for c in f.checks]
    found = []
    timed = sorted({f.name for f in result.functions
                    if any(w in (f.problem or "") + " ".join(c.message for c in f.checks) for w in TIMEOUT_WORDS)})
    if timed:
        found.append("timed out in " + ", ".join(timed))
    crashed = sorted({f.name for f in result.functions
                      if any(w in (f.problem or "") + " ".join(c.message for c in f.checks) for w in CRASH_WORDS)})
    if crashed:
        found.append("stopped the worker in " + ", ".join(crashed))
    if any(w in t for t in texts for w in LOAD_WORDS):
        found.append("failed to load: " + (result.messages[0] if result.messages else "see its results"))
    elif all((f.problem or "").startswith("not found") for f in result.functions):
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


def plots(data: ClassData, mistakes: list[tuple[tuple[str, str], int]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"  # text as paths: identical in every browser, no font needed
    out = []
    totals = [r.score for r in data.results]
    maximum = max((r.max_score for r in data.results), default=100.0) or 100.0

    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.hist(totals, bins=[maximum * k / 10 for k in range(11)], color="#3366cc", edgecolor="white")
    ax.set_xlabel(f"total score (out of {maximum:g})")
    ax.set_ylabel("submissions")
    ax.set_xlim(0, maximum)
    ax.yaxis.get_major_locator().set_params(integer=True)
    out.append(_figure("totals", _svg(fig), f"Distribution of totals over {len(totals)} submissions."))
    plt.close(fig)

    names = list(DISPLAY_ORDER)
    means, full = [], []
    for n in names:
        fs = [r.function(n) for r in data.results if any(f.name == n for f in r.functions)]
        means.append(100 * sum(f.score / f.max_score for f in fs) / len(fs) if fs else 0.0)
        full.append(100 * sum(f.passed for f in fs) / len(fs) if fs else 0.0)
    fig, ax = plt.subplots(figsize=(8, 4))
    y = range(len(names))
    ax.barh([i - 0.2 for i in y], means, height=0.4, color="#3366cc", label="mean score (% of its points)")
    ax.barh([i + 0.2 for i in y], full, height=0.4, color="#2e9e5b", label="full marks (% of submissions)")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("%")
    ax.legend(loc="lower right", fontsize=8)
    out.append(_figure("functions", _svg(fig), "Per function: mean score and share of full marks."))
    plt.close(fig)

    if mistakes:
        top = mistakes[:10]
        labels = [f"{fn}: {short(hint)}" for (fn, hint), _ in top]
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(top) + 1.2))
        ax.barh(range(len(top)), [c for _, c in top], color="#cc6633")
        ax.set_yticks(range(len(top)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel("submissions")
        ax.xaxis.get_major_locator().set_params(integer=True)
        out.append(_figure("mistakes", _svg(fig), "Most frequent diagnosed mistakes."))
        plt.close(fig)
    return out


def short(text: str, n: int = 48) -> str:
    text = re.sub(r"`", "", text.split(":")[0] if len(text) > n else text)
    return text if len(text) <= n else text[:n - 1] + "…"


def class_report(data: ClassData, title: str = "Class report") -> str:
    """One self-contained HTML page for a batch of results."""
    results = data.results
    if not results:
        return page(title, f"<h1>{escape(title)}</h1><p>No results found.</p>")
    scores = sorted(r.score for r in results)
    mid = len(scores) // 2
    median = scores[mid] if len(scores) % 2 else (scores[mid - 1] + scores[mid]) / 2
    mistakes = Counter((f.name, h) for r in results for f in r.functions for h in f.hints).most_common()
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p>{len(results)} submissions: mean {sum(scores) / len(scores):.1f}, median {median:g}, "
             f"full marks {sum(r.score >= r.max_score for r in results)}.</p>"]
    parts += plots(data, mistakes)

    rows = []
    for n in DISPLAY_ORDER:
        fs = [r.function(n) for r in results if any(f.name == n for f in r.functions)]
        if fs:
            rows.append(f"<tr><td>{n}</td><td>{sum(f.score for f in fs) / len(fs):.2f} / {BY_NAME[n].points:g}</td>"
                        f"<td>{sum(f.passed for f in fs)} of {len(fs)}</td></tr>")
    parts.append('<h2>Per function</h2><div class="scroll"><table id="functions"><thead><tr><th>function</th>'
                 "<th>mean score</th><th>full marks</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")

    parts.append("<h2>Diagnosed mistakes</h2>")
    if mistakes:
        parts.append('<table id="mistakes"><thead><tr><th style="width:22%">function</th><th>hint</th>'
                     '<th style="width:5em">count</th></tr></thead><tbody>'
                     + "".join(f"<tr><td>{escape(fn)}</td><td>{escape(h)}</td><td>{c}</td></tr>"
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

    parts.append('<h2>Submissions</h2><div class="scroll"><table id="submissions"><thead><tr><th style="width:40%">'
                 "submission</th><th>score</th></tr></thead><tbody>"
                 + "".join(f"<tr><td>{escape(r.name)}</td><td>{r.score:g} / {r.max_score:g}</td></tr>"
                           for r in sorted(results, key=lambda r: r.name)) + "</tbody></table></div>")
    if data.skipped:
        parts.append('<p class="muted">Not results (skipped): ' + escape(", ".join(data.skipped)) + "</p>")
    return page(title, "\n".join(parts))
