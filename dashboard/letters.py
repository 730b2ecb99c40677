"""Decision letters fetched from the API (with its key, for the signed-in officer) for the client page's
letter links: the dashboard serves /letters/<client_id>?lang=fr|en&format=pdf|html as the API's
/clients/<id>/notice answers it (the API records the letter and its audit row)."""

from __future__ import annotations

import flask

from dashboard.api_client import ApiError, api
from dashboard.i18n import N_, current, translator
from dashboard.relayed import refusal_page

LANGUAGES = ("fr", "en")
FORMATS = {"pdf": "application/pdf", "html": "text/html"}  # Flask adds "; charset=utf-8" to text/html


def letter_path(client_id: int, language: str, form: str) -> str:
    return f"/letters/{int(client_id)}?lang={language}&format={form}"


def serve_letters(server: flask.Flask) -> None:
    """Register the /letters/<client_id> route on the dashboard's Flask server."""

    def letter(client_id: int) -> flask.Response:
        language = flask.request.args.get("lang", "fr")
        form = flask.request.args.get("format", "pdf")
        if language not in LANGUAGES or form not in FORMATS:
            message = current().gettext("Unknown language or format.")
            return flask.Response(message, status=400, mimetype="text/plain")
        try:
            body, reference = api().notice(client_id, language, form)
        except ApiError as error:
            back, said = f"/client/{int(client_id)}", translator(language)  # the API answers in the letter's
            return refusal_page(error, N_("Decision letter"), back, N_("Back to the client"), said)
        headers = {"Content-Disposition": f'inline; filename="decision-{reference}.{form}"'}
        return flask.Response(body, mimetype=FORMATS[form], headers=headers)

    server.add_url_rule("/letters/<int:client_id>", "letters", letter)
