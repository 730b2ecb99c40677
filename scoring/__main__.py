"""`python -m scoring` and `spark-submit .../scoring/__main__.py`: the `scoring` command line."""

from scoring.cli import app

if __name__ == "__main__":
    app()
