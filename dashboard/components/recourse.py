"""The client page's recourse (what the lender can offer instead of a refusal) and decision-letter links."""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from dashboard import auth, reason_text
from dashboard.i18n import NAMES, Translator
from dashboard.letters import letter_path
from dashboard.settings import currency
from dashboard.text import REFER

LETTER_LANGUAGES = ("fr", "en")  # the customer's language first: the lender is French


def recourse_box(recourse: Mapping | None, t: Translator, digits: int = 0) -> html.Section | None:
    """Accepted offers for a refused client, the smallest change first (nothing for an acceptance);
    `digits`: the page's decimals of points."""
    if recourse is None or recourse.get("decision") != "refuse":
        return None
    items = reason_text.recourse_items(recourse, t, digits, currency())
    body = [html.P(reason_text.recourse_summary(recourse, t), className="mb-1")]
    if items:
        body.append(html.Ol([html.Li(i) for i in items], className="mb-0"))
    return html.Section(
        [html.H3(t.gettext("What we can offer instead"), className="h5"), *body],
        id="client-recourse",
        className="counter-offer mt-3",
        **{"aria-label": t.gettext("What we can offer instead")},
    )


def letter_links(client_id: int, t: Translator, element_id: str = "client-letter") -> html.Nav | None:
    """Links to the decision letter, PDF or HTML, in French or English (opened in a new tab); none for a
    role that may not issue letters."""
    if not auth.may_issue_letters():
        return None
    links = []
    for language in LETTER_LANGUAGES:
        for form, label in (("pdf", "PDF"), ("html", "HTML")):
            links.append(
                html.A(
                    f"{label} \u00b7 {NAMES[language]}",
                    href=letter_path(client_id, language, form),
                    target="_blank",
                    rel="noopener",
                    hrefLang=language,
                    className="btn btn-outline-secondary btn-sm me-2 mb-1",
                    id=f"{element_id}-{form}-{language}",
                )
            )
    return html.Nav(
        [html.H3(t.gettext("Decision letter"), className="h5"), html.Div(links)],
        id=element_id,
        className="mt-3 no-print",
        **{"aria-label": t.gettext("Decision letter")},
    )


LETTER_SLOT = "client-letter-slot"  # the letter block, which an officer's final decision on a referral fills


def letter_block(client_id: int, decision: str, t: Translator) -> html.Div:
    """The letter links; for a referral, that the letter follows the officer's decision (the API issues
    none before it; the officer's panel puts the links here once it is recorded)."""
    if decision != REFER:
        return html.Div(letter_links(client_id, t), id=LETTER_SLOT)
    message = t.gettext("Referred to an officer: the letter follows the officer's decision.")
    return html.Div(html.P(message, id="client-letter", className="mt-3 no-print"), id=LETTER_SLOT)
