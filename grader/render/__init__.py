"""Every output of the grader, one module per kind, all rendered from the results model (results.py):

    text.py         the terminal table and the batch's summary (`--format text`)
    json_report.py  a JSON array of every result with every check (`--format json`)
    gradescope.py   Gradescope's results.json (`--format gradescope`, and `--out`)
    grades_csv.py   grades.csv (`--out`)
    canvas.py       a Canvas gradebook import (`export-canvas`)
    html_pages.py   feedback pages (`--format html`, `--html`) and the class report (`report`)
    files.py        where outputs go under --out, written atomically
"""
