"""The decision form of a signed-in officer offers no decision the API cannot record for the client (its
history's `barred`): the option disabled, and why beside it in the officer's language; drawn so whichever of
the form and the history's answer comes first."""

from __future__ import annotations

import dash
import pytest
from dash import html

from api.error_texts import translate
from dashboard.components import officer
from dashboard.i18n import ENGLISH, translator
from scoring.db.decisions import barrier_message
from scoring.explain.policy_reasons import PRICE_ABOVE_CAP
from scoring.vocabulary import Language
from tests.dashboard.auth.fake_api import FakeApi, callback, sign_in
from tests.support.components import components
from tests.support.payloads import HISTORY, VOCABULARY

MODEL = {
    "id": "client-officer-model",
    "property": "data",
    "value": {"client_id": 100002, "decision": "refuse"},
}
FRENCH_WHY = translate(barrier_message(PRICE_ABOVE_CAP, Language.FR), "fr")  # what the API sends in French


def output_key(app: dash.Dash, output: str) -> str:
    return next(key for key in app.callback_map if output in key)


def form_options(language: str) -> list[dict]:
    """The decision options of the form as drawn, before the history's answer."""
    t = ENGLISH if language == "en" else translator(language)
    drawn = components(html.Div(officer.form(VOCABULARY, t)))
    [radios] = [c for c in drawn if getattr(c, "id", None) == "client-officer-decision"]
    return radios.options


def barred_answer(
    app: dash.Dash, client: object, token: str, barred: list, options: list, chosen: str | None
) -> dict:
    """The form's answer to the history's `barred` (`officer.show_barred`)."""
    answer = callback(
        client,
        token,
        output_key(app, "client-officer-barred-note.children"),
        inputs=[{"id": "client-officer-barred", "property": "data", "value": barred}],
        state=[
            {"id": "client-officer-decision", "property": "options", "value": options},
            {"id": "client-officer-decision", "property": "value", "value": chosen},
        ],
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["response"]


def test_the_history_brings_what_cannot_be_recorded(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    painted = {"id": "client-painted", "property": "data", "value": {"client_id": 100002}}
    recorded = {"id": "client-officer-recorded", "property": "data", "value": None}
    answer = callback(
        client,
        token,
        output_key(app, "client-officer-barred.data"),
        inputs=[painted, recorded],
        state=[MODEL],
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    shown = answer.get_json()["response"]
    assert shown["client-officer-barred"]["data"] == HISTORY["barred"]
    assert shown["client-officer-overriding"]["data"] == HISTORY["overriding"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_barred_decision_is_disabled_and_the_form_says_why(
    app: dash.Dash, fake: FakeApi, language: str
) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    client.set_cookie("lang", language)
    options = form_options(language)
    assert not any(o.get("disabled") for o in options)  # drawn before the history's answer: all live
    barred = (
        HISTORY["barred"]
        if language == "en"
        else [{**HISTORY["barred"][0], "message": FRENCH_WHY}]  # the API answers in the page's language
    )
    shown = barred_answer(app, client, token, barred, options, "accept")
    disabled = {o["value"]: o.get("disabled") for o in shown["client-officer-decision"]["options"]}
    assert disabled == {"accept": True, "accept-counter-offer": False, "refuse": False, "refer": False}
    assert shown["client-officer-decision"]["value"] is None  # a barred decision chosen before is let go
    [note] = [p["props"]["children"] for p in shown["client-officer-barred-note"]["children"]]
    if language == "en":
        assert (
            note == f"\u201cAccept\u201d is not possible for this client: {HISTORY['barred'][0]['message']}."
        )
        assert "Price above the legal maximum" in note and "accept the counter-offer or refuse" in note
    else:
        assert note == f"\u00ab Accepter \u00bb n\u2019est pas possible pour ce client : {FRENCH_WHY}."
        assert "Prix supérieur au maximum légal" in note and "acceptez la contre-proposition" in note
    kept = barred_answer(app, client, token, barred, options, "refuse")
    assert "value" not in kept["client-officer-decision"]  # a live choice stays chosen
    nothing = barred_answer(app, client, token, [], options, "accept")
    assert not any(o["disabled"] for o in nothing["client-officer-decision"]["options"])
    assert nothing["client-officer-barred-note"]["children"] == []


def test_the_form_asks_again_when_drawn_after_the_history(app: dash.Dash, fake: FakeApi) -> None:
    """No `prevent_initial_call` in what the renderer reads: it runs `show_barred` when the form appears,
    with the history's answer if that came first (and whenever that answer changes)."""
    client = app.server.test_client()
    sign_in(client, "olivia")
    dependencies = client.get("/_dash-dependencies").get_json()
    [spec] = [c for c in dependencies if "client-officer-barred-note.children" in c["output"]]
    assert not spec["prevent_initial_call"]
    assert spec["inputs"] == [{"id": "client-officer-barred", "property": "data"}]
