"""The GRU exercise: reference maths, rubric and known mistakes (not yet wired into the grading core)."""
