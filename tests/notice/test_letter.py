"""Decision letters: content by language, one A4 page of PDF whose text says the reasons, escaped HTML,
points that show the side of the threshold."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from scoring.explain.reasons import principal_reasons
from scoring.explain.recourse import Recourse
from scoring.explain.sentences import customer_sentence
from scoring.notice.content import Lender, build_notice, new_reference
from scoring.notice.html import render_html
from scoring.notice.pdf import LetterDoesNotFit, render_pdf
from scoring.vocabulary import Decision
from tests.notice.letters import FONTS, ISSUED, LENDER, RECOURSE, TOWARDS_REFUSAL, facts, html_text, pdf_pages

ADVERSE = principal_reasons(TOWARDS_REFUSAL, Decision.REFUSE)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_refusal_letter_pdf_is_one_a4_page_with_the_reasons(language: str) -> None:
    notice = build_notice(facts(), LENDER, language, ISSUED, "L-20261127-ABCDEF12")
    data = render_pdf(notice, FONTS)
    pages, text = pdf_pages(data)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert pages == 1
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    for reason in ADVERSE:
        assert customer_sentence(reason, "adverse", language) in text
    other = "fr" if language == "en" else "en"
    assert customer_sentence(ADVERSE[0], "adverse", other) not in text
    assert "L-20261127-ABCDEF12" in text and "20261127T034232Z-0796769f" in text
    assert "reexamen@example.org" in text and "Prêt à Dépenser" in text
    if language == "fr":
        assert "Décision sur votre demande de crédit" in text and "27 novembre 2026" in text
        assert "250 000,00 €" in text and "212 500,00 €" in text and "36 mensualités" in text
        assert "535 points, en dessous des 586 points requis" in text
    else:
        assert "Decision on your credit application" in text and "November 27, 2026" in text
        assert "€250,000.00" in text and "€212,500.00" in text and "36 monthly instalments" in text
        assert "535 points, below the 586 points needed" in text


def test_refusal_without_offer_says_so() -> None:
    none = Recourse(250_000.0, 12_000.0, 24.0, 0.2, 0.1, [])
    notice = build_notice(facts(recourse=none), LENDER, "fr", ISSUED, "L-1")
    assert "Aucun montant plus faible" in pdf_pages(render_pdf(notice, FONTS))[1]


@pytest.mark.parametrize(
    ("points", "threshold", "shown"),
    [
        (561.236, 561.24, "561.236 points, below the 561.240 points needed"),
        (561.2449, 561.245, "561.24 points, below the 561.25 points needed"),
        (561.2399, 561.24, "561.2399 points, below the 561.2400 points needed"),
        (355.2, 561.4, "355 points, below the 561 points needed"),
    ],
)
def test_points_show_the_side_of_the_threshold(points: float, threshold: float, shown: str) -> None:
    notice = build_notice(facts(points=(points, threshold)), LENDER, "en", ISSUED, "L-1")
    assert shown in html_text(render_html(notice))


def test_long_content_still_fits_one_page_or_fails_loudly() -> None:
    long = Lender("Prêt à Dépenser", "1 rue de la Paix, 75002 Paris " * 8, "reexamen@example.org")
    pages, _ = pdf_pages(render_pdf(build_notice(facts(), long, "fr", ISSUED, "L-1"), FONTS))
    assert pages == 1
    huge = Lender("Prêt à Dépenser", "1 rue de la Paix, 75002 Paris " * 200, "x")
    with pytest.raises(LetterDoesNotFit, match="one A4 page"):
        render_pdf(build_notice(facts(), huge, "fr", ISSUED, "L-1"), FONTS)


def test_missing_fonts_are_named(tmp_path: Path) -> None:
    notice = build_notice(facts(), LENDER, "en", ISSUED, "L-1")
    with pytest.raises(
        FileNotFoundError, match="DejaVuSans-Bold.ttf not found: install Debian's fonts-dejavu-core"
    ):
        render_pdf(notice, tmp_path)


def test_html_letter_is_escaped_and_in_its_language() -> None:
    lender = Lender("<script>alert(1)</script>", "Paris", "a@b.c")
    page = render_html(build_notice(facts(), lender, "fr", ISSUED, "L-1"))
    assert '<html lang="fr">' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    actionable = 2  # LATE_INSTALMENTS and AMOUNT_TO_INCOME
    assert page.count("<li>") == len(ADVERSE) + actionable + len(RECOURSE.options)
    assert customer_sentence(ADVERSE[1], "adverse", "fr").replace("'", "&#39;") in page


def test_references_are_unique_and_dated() -> None:
    references = {new_reference(ISSUED) for _ in range(200)}
    assert len(references) == 200
    assert all(re.fullmatch(r"L-20261127-[0-9A-F]{8}", r) for r in references)
