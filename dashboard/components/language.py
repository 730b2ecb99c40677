"""The language switch: one button per language in the navigation bar. Choosing one stores it in the `lang`
cookie (a year, per browser) and reloads the page, which is then served in that language everywhere."""

from __future__ import annotations

from dash import ALL, Input, Output, html

from dashboard.callbacks import clientside_callback
from dashboard.i18n import COOKIE, LANGUAGES, NAMES, Translator

SWITCH = f"""
function(clicks) {{
    const ctx = window.dash_clientside.callback_context;
    if (!ctx.triggered.length || !ctx.triggered[0].value) {{ return window.dash_clientside.no_update; }}
    const language = JSON.parse(ctx.triggered[0].prop_id.split(".")[0]).language;
    document.cookie = "{COOKIE}=" + language + "; path=/; max-age=31536000; SameSite=Lax";
    window.location.reload();
    return language;
}}
"""


def language_switch(t: Translator) -> html.Div:
    """Buttons EN / FR, the current one pressed; each named in full in its own language (a compact switch:
    the navigation bar keeps to one line)."""
    return html.Div(
        [
            html.Button(
                language.upper(),
                id={"type": "app-language", "language": language},
                lang=language,
                title=NAMES[language],
                className="btn btn-sm " + ("btn-light" if language == t.language else "btn-outline-light"),
                **{
                    "aria-pressed": "true" if language == t.language else "false",
                    "aria-label": NAMES[language],
                },
                n_clicks=0,
            )
            for language in LANGUAGES
        ],
        className="btn-group ms-auto",
        role="group",
        **{"aria-label": t.gettext("Language")},
    )


clientside_callback(
    SWITCH,
    Output("app-language-chosen", "data"),
    Input({"type": "app-language", "language": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
