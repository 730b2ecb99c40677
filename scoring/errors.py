"""The product's one exception base: an error whose message tells the user what is wrong and what to fix.

Every error the library raises on purpose (bad input, a missing or tampered file, a policy that does not
validate) derives from `ScoringError`, besides the built-in kind it also is (`ValueError`, `LookupError`...),
so callers may catch either. The command line turns any of them into one red line and exit code 2
(`scoring.command_errors`); the API maps the ones a request can cause to 4xx answers.
"""

from __future__ import annotations


class ScoringError(Exception):
    """An error of the product, reported to the user by its message alone (never a traceback)."""
