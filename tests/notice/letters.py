"""Shared material of the letter tests: a lender, reasons both ways, a recourse, facts of a decision and the
text a customer reads of a letter (the PDF's extracted text, the HTML page's text)."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from scoring.explain.reasons import CodeReason
from scoring.explain.recourse import AMOUNT, TERM, Recourse, RecourseOption
from scoring.notice.content import DecisionFacts, Lender, Notice, OfficerFacts
from scoring.notice.html import render_html
from scoring.notice.pdf import render_pdf
from scoring.offer.terms import Terms
from scoring.vocabulary import Decision

FONTS = Path("/usr/share/fonts/truetype/dejavu")
LENDER = Lender("Prêt à Dépenser", "1 rue de la Paix, 75002 Paris", "reexamen@example.org")
ISSUED = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
TOWARDS_REFUSAL = [
    CodeReason("EXT_SCORES", 0.8, 0.5, []),
    CodeReason("LATE_INSTALMENTS", 0.5, 0.3, []),
    CodeReason("AMOUNT_TO_INCOME", 0.3, 0.2, []),
]
TOWARDS_ACCEPTANCE = [CodeReason("CARD_USE", -0.6, 0.6, []), CodeReason("INCOME", -0.4, 0.4, [])]
BREAKDOWN = [*TOWARDS_REFUSAL, *TOWARDS_ACCEPTANCE]
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


def facts(
    model: Decision = Decision.REFUSE,
    officer: OfficerFacts | None = None,
    recourse: Recourse | None = RECOURSE,
    points: tuple[float, float] | None = None,
) -> DecisionFacts:
    refused = model == Decision.REFUSE
    return DecisionFacts(
        client_id=100002,
        model_decision=model,
        points=(points or (534.7 if refused else 620.2, 586.2))[0],
        threshold_points=(points or (0.0, 586.2))[1],
        amount=250_000.0,
        reasons=BREAKDOWN,
        recourse=recourse if refused else Recourse(250_000.0, 12_000.0, 24.0, 0.03, 0.1, []),
        model_version="20261127T034232Z-0796769f",
        officer=officer,
    )


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()


def pdf_pages(data: bytes) -> tuple[int, str]:
    """The number of pages of a PDF and its text."""
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), plain(" ".join(page.extract_text() for page in reader.pages))


def html_text(page: str) -> str:
    """The text a reader sees of an HTML page (the body, tags dropped, entities read)."""
    body = page[page.index("<body>") :]
    return plain(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def letter_text(notice: Notice, form: str) -> str:
    if form == "html":
        return html_text(render_html(notice))
    pages, text = pdf_pages(render_pdf(notice, FONTS))
    assert pages == 1
    return text


def terms(
    amount: float = 250_000.0, term_months: int = 24, rate: float = 0.089, probability: float = 0.07
) -> Terms:
    """Terms of a credit, hand-computed: the annuity of `amount` at `rate` over `term_months`, fees of 1 %."""
    monthly = rate / 12
    instalment = round(amount * monthly / (1 - (1 + monthly) ** -term_months), 2)
    fees = round(amount * 0.01, 2)
    return Terms(amount, term_months, rate, rate + 0.0105, instalment, fees, probability, "C")
