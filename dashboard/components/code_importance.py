"""The Model page's global importance by reason code: which groups of features move the scores most, with
each code's share (mean |SHAP summed per code| over the bundle's SHAP sample). In the request's language."""

from __future__ import annotations

from collections.abc import Mapping

from dash import Input, Output, html

from dashboard.api_client import ApiError, api
from dashboard.callbacks import callback
from dashboard.components.status import HIDDEN, error_box, figure, loading, shown
from dashboard.figures import reasons as reason_figures
from dashboard.i18n import Translator, current

PREFIX = "model-codes"


def section() -> html.Section:
    t = current()
    return html.Section(
        [
            html.H2(t.gettext("Importance by reason code"), className="h4"),
            html.P(
                t.gettext(
                    "The reason codes group the features into what a customer is told; their importance is "
                    "the mean absolute sum of their features' SHAP values over the training sample."
                )
            ),
            error_box(PREFIX),
            loading(html.Div(id=PREFIX), PREFIX),
        ],
        className="mt-4",
    )


def importance_summary(payload: Mapping, t: Translator) -> str:
    codes = payload["codes"]
    top = "; ".join(f"{c['title']} ({t.percent(c['importance_share'], 0)})" for c in codes[:3])
    return t.gettext(
        "{count} reason codes, version {version} of the catalogue, over {clients} clients; the three that "
        "move the scores most: {top}."
    ).format(count=len(codes), version=payload["version"], clients=t.number(payload["clients"]), top=top)


@callback(
    Output(PREFIX, "children"),
    Output(f"{PREFIX}-error", "hidden"),
    Output(f"{PREFIX}-error-text", "children"),
    Input(f"{PREFIX}-retry", "n_clicks"),
)
def show_code_importance(_retry: int | None) -> tuple[object, bool, str]:
    t = current()
    try:
        payload = api().reason_codes()
    except ApiError as error:
        return None, *shown(error)
    chart = figure(
        f"{PREFIX}-graph",
        reason_figures.code_importance(payload["codes"], t),
        importance_summary(payload, t),
    )
    return chart, *HIDDEN
