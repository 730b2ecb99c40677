"""`python -m api.example_letters`: the example letters of a trained home, written from its model, read as
a customer reads them (the PDF's text, the HTML page's text).

With SCORING_LETTERS set, the letters of the demo home are written to reports/letters/ (the README's
examples) instead of a temporary folder, as the browser tests write the screenshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.example_letters import app
from devtools.settings import ToolSettings
from scoring.notice.content import texts
from scoring.notice.terms_text import COST_KEYS, ROW_KEYS
from tests.conftest import REPO
from tests.notice.letters import html_text, pdf_pages

CASES = ("refused-by-model", "accepted-by-model", "acceptance-overridden-refused")
OVERRIDE = "refusal-overridden-accepted"  # when an officer may grant a refused application as asked
COUNTER_OFFER = "counter-offer-accepted"
TERMS = (*ROW_KEYS, *COST_KEYS)
LANGUAGES = ("en", "fr")
SAVE = ToolSettings().letters


@pytest.fixture(scope="module")
def letters(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The text of every example letter written for the demo home, by file name."""
    out = REPO / "reports" / "letters" if SAVE else tmp_path_factory.mktemp("letters")
    env = {"SCORING_HOME": str(demo_home)}
    result = CliRunner().invoke(app, ["--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    read = {}
    for path in sorted(out.iterdir()):
        if path.suffix == ".pdf":
            pages, read[path.name] = pdf_pages(path.read_bytes())
            assert pages == 1, path.name
        else:
            read[path.name] = html_text(path.read_text("utf-8"))
    return read


def test_every_case_is_written_in_each_language_and_format(letters: dict[str, str]) -> None:
    """The counter-offer is accepted only when the lender has one for the refused client, the refusal
    overridden only when an officer may grant a refused application as asked (not above the usury rate)."""
    cases = [*CASES, *(c for c in (OVERRIDE, COUNTER_OFFER) if f"{c}.en.html" in letters)]
    expected = {
        f"{case}.{language}.{form}" for case in cases for language in LANGUAGES for form in ("html", "pdf")
    }
    assert set(letters) == expected


@pytest.mark.parametrize("form", ["html", "pdf"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_letters_tell_their_case(letters: dict[str, str], language: str, form: str) -> None:
    t = {key: by_language[language] for key, by_language in texts().items()}

    def letter(case: str) -> str:
        return letters[f"{case}.{language}.{form}"]

    refusal = letter("refused-by-model")
    assert t["refused"].split("{amount}")[1].strip(" .") in refusal
    assert t["reasons_refused"] in refusal
    assert t["rights_automated"][:60] in refusal
    if f"{OVERRIDE}.{language}.{form}" in letters:
        override = letter(OVERRIDE)
        assert t["accepted"].split("{amount}")[0].strip() in override
        assert t["rights_human"][:60] in override
        assert all(t[key] in override for key in TERMS)  # a grant states its terms
        for word in ("points", "refus"):
            assert word not in override.lower()
    refused = letter("acceptance-overridden-refused")
    assert t["officer_reason.affordability"] in refused
    assert t["score_below"].split("{points}")[0].strip() not in refused
    if f"{COUNTER_OFFER}.{language}.{form}" in letters:
        counter_offer = letter(COUNTER_OFFER)
        assert t["accepted_offer_terms"].split("{amount}")[0].strip() in counter_offer
        assert all(t[key] in counter_offer for key in TERMS)  # the directive's figures, all of them
    accepted = letter("accepted-by-model")
    assert any(t[key].split("{amount}")[0].strip() in accepted for key in ("accepted", "accepted_other"))
    if t["terms_heading"] in accepted:
        assert all(t[key] in accepted for key in TERMS)
