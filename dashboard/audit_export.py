"""The audit trail's CSV export for the Audit page's link: the dashboard serves /audit-export?since=…&until=…
&action=…&user=… as the API's /audit/export answers it (with the dashboard's key and the administrator's
session: the browser never holds the key; the API records the export and anchors the chain's head)."""

from __future__ import annotations

import flask

from dashboard.api_client import ApiError, api
from dashboard.i18n import N_
from dashboard.relayed import refusal_page

FILTERS = ("since", "until", "action", "user")
ROUTE = "/audit-export"


def serve_audit_export(server: flask.Flask) -> None:
    """Register the /audit-export route on the dashboard's Flask server."""

    def export() -> flask.Response:
        query = {name: value for name in FILTERS if (value := flask.request.args.get(name, "").strip())}
        try:
            body, name = api().audit_export(query)
        except ApiError as error:
            return refusal_page(error, N_("Audit trail"), "/audit", N_("Back to the audit trail"))
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        return flask.Response(body, mimetype="text/csv", headers=headers)

    server.add_url_rule(ROUTE, "audit_export", export)
