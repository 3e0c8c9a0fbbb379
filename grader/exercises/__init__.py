"""Built-in exercises: one package each (see grader/exercise.py)."""
