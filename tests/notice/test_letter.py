"""Decision letters: content by language, one A4 page of PDF whose text says the reasons, escaped HTML."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from scoring.explain.reason_codes import catalogue
from scoring.explain.reasons import CodeReason
from scoring.explain.recourse import AMOUNT, TERM, Recourse, RecourseOption
from scoring.notice.content import DecisionFacts, Lender, build_notice, new_reference
from scoring.notice.html import render_html
from scoring.notice.pdf import LetterDoesNotFit, render_pdf
from scoring.vocabulary import Decision

FONTS = Path("/usr/share/fonts/truetype/dejavu")
LENDER = Lender("Prêt à Dépenser", "1 rue de la Paix, 75002 Paris", "reexamen@example.org")
ISSUED = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
REASONS = [
    CodeReason("EXT_SCORES", 0.8, 0.4, []),
    CodeReason("LATE_INSTALMENTS", 0.5, 0.25, []),
    CodeReason("AMOUNT_TO_INCOME", 0.3, 0.15, []),
    CodeReason("CARD_USE", 0.2, 0.1, []),
]
RECOURSE = Recourse(
    amount=250_000.0,
    annuity=12_000.0,
    term=24.0,
    probability=0.2,
    threshold=0.1,
    options=[
        RecourseOption(AMOUNT, 212_500.0, 10_200.0, 24.0, 0.09, 0.15),
        RecourseOption(TERM, 250_000.0, 8_000.0, 36.0, 0.095, 0.5),
    ],
)


def facts(decision: Decision = Decision.REFUSE, recourse: Recourse | None = RECOURSE) -> DecisionFacts:
    return DecisionFacts(
        client_id=100002,
        decision=decision,
        probability=0.2 if decision == Decision.REFUSE else 0.03,
        points=534.7 if decision == Decision.REFUSE else 620.2,
        threshold_points=586.2,
        amount=250_000.0,
        reasons=REASONS,
        recourse=recourse,
        model_version="20261127T034232Z-0796769f",
    )


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


@pytest.fixture(scope="module")
def fonts() -> Path:
    if not (FONTS / "DejaVuSans.ttf").exists():
        pytest.skip("Debian's fonts-dejavu-core is not installed (make setup installs it)")
    return FONTS


@pytest.mark.parametrize("language", ["en", "fr"])
def test_refusal_letter_pdf_is_one_a4_page_with_the_reasons(fonts: Path, language: str) -> None:
    notice = build_notice(facts(), LENDER, language, ISSUED, "L-20261127-ABCDEF12")
    pages, text = pdf_text(render_pdf(notice, fonts))
    page = PdfReader(io.BytesIO(render_pdf(notice, fonts))).pages[0]
    assert pages == 1
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    for reason in REASONS:
        assert catalogue()[reason.code].text("adverse", language) in text
    other = "fr" if language == "en" else "en"
    assert catalogue()["EXT_SCORES"].text("adverse", other) not in text
    assert "L-20261127-ABCDEF12" in text and "20261127T034232Z-0796769f" in text
    assert "reexamen@example.org" in text and "Prêt à Dépenser" in text
    if language == "fr":
        assert "Décision sur votre demande de crédit" in text and "27 novembre 2026" in text
        assert "250 000,00 €" in text and "212 500,00 €" in text and "36 mensualités" in text
        assert "réexamen" in text and "535 points" in text and "586 points" in text
    else:
        assert "Decision on your credit application" in text and "November 27, 2026" in text
        assert "€250,000.00" in text and "€212,500.00" in text and "36 monthly instalments" in text
        assert "right to obtain a review" in text and "535 points" in text


def test_acceptance_letter_has_no_offer_and_favourable_points(fonts: Path) -> None:
    notice = build_notice(facts(Decision.ACCEPT), LENDER, "en", ISSUED, "L-1")
    _, text = pdf_text(render_pdf(notice, fonts))
    assert "is accepted" in text and "What we can offer" not in text
    assert catalogue()["EXT_SCORES"].text("favourable", "en") in text
    assert catalogue()["EXT_SCORES"].text("adverse", "en") not in text


def test_refusal_without_offer_says_so(fonts: Path) -> None:
    none = Recourse(250_000.0, 12_000.0, 24.0, 0.2, 0.1, [])
    notice = build_notice(facts(recourse=none), LENDER, "fr", ISSUED, "L-1")
    assert "Aucun montant plus faible" in pdf_text(render_pdf(notice, fonts))[1]


def test_long_content_still_fits_one_page_or_fails_loudly(fonts: Path) -> None:
    long = Lender("Prêt à Dépenser", "1 rue de la Paix, 75002 Paris " * 8, "reexamen@example.org")
    pages, _ = pdf_text(render_pdf(build_notice(facts(), long, "fr", ISSUED, "L-1"), fonts))
    assert pages == 1
    huge = Lender("Prêt à Dépenser", "1 rue de la Paix, 75002 Paris " * 200, "x")
    with pytest.raises(LetterDoesNotFit, match="one A4 page"):
        render_pdf(build_notice(facts(), huge, "fr", ISSUED, "L-1"), fonts)


def test_missing_fonts_are_named(tmp_path: Path) -> None:
    notice = build_notice(facts(), LENDER, "en", ISSUED, "L-1")
    with pytest.raises(
        FileNotFoundError, match="DejaVuSans-Bold.ttf not found: install Debian's fonts-dejavu-core"
    ):
        render_pdf(notice, tmp_path)


def test_html_letter_is_escaped_and_in_its_language() -> None:
    lender = Lender("<script>alert(1)</script>", "Paris", "a@b.c")
    html = render_html(build_notice(facts(), lender, "fr", ISSUED, "L-1"))
    assert '<html lang="fr">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<li>") == len(REASONS) + 3 + 2  # reasons, actions of actionable codes, offers
    assert catalogue()["LATE_INSTALMENTS"].text("adverse", "fr").replace("'", "&#39;") in html


def test_references_are_unique_and_dated() -> None:
    references = {new_reference(ISSUED) for _ in range(200)}
    assert len(references) == 200
    assert all(re.fullmatch(r"L-20261127-[0-9A-F]{8}", r) for r in references)
