"""The page a signed-in user gets for a page or route their role may not open (403): the dashboard's look and
navigation bar (the pages of that role, who is signed in, sign-out), so the way back is one click away."""

from __future__ import annotations

import flask

from dashboard import vocabulary
from dashboard.auth import roles
from dashboard.auth.users import SignedInUser
from dashboard.components.layout import NAV
from dashboard.i18n import Translator

PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
{% if css %}<link rel="stylesheet" href="{{ css }}">{% endif %}
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<header>
<nav class="navbar navbar-expand navbar-dark bg-dark mb-3 no-print" id="refusal-navbar">
<div class="container-fluid">
<a class="navbar-brand" href="/">{{ brand }}</a>
<nav aria-label="{{ pages }}"><ul class="navbar-nav flex-wrap" id="app-nav">
{% for label, href in links %}<li class="nav-item"><a class="nav-link" href="{{ href }}">{{ label }}</a></li>
{% endfor %}</ul></nav>
<div class="d-flex align-items-center ms-auto" id="app-user">
<span class="navbar-text text-light me-2 app-user-box" title="{{ user }} ({{ role }})">
<span>{{ user }}</span><span>{{ role }}</span></span>
<form action="/logout" method="POST" class="d-inline">
<input type="hidden" name="csrf_token" value="{{ token }}">
<button class="btn btn-outline-light btn-sm" type="submit" id="app-sign-out">{{ sign_out }}</button>
</form>
</div>
</div>
</nav>
</header>
<main class="container-fluid" id="main">
<h1 class="h2">{{ title }}</h1>
<p class="lead-text">{{ why }}</p>
<p><a class="btn btn-primary" href="/">{{ back }}</a></p>
</main>
</body>
</html>"""


def allowed_links(role: str, t: Translator) -> list[tuple[str, str]]:
    """The navigation bar's pages that `role` may open: (label in the page's language, path)."""
    return [
        (t.gettext(label), path)
        for label, path, _client in NAV
        if role in (roles.rights_of_page(path) or roles.EVERYONE)
    ]


def forbidden_page(user: SignedInUser, token: str, t: Translator) -> flask.Response:
    """The refusal, in the request's language, with the navigation of the user's role."""
    _ = t.gettext
    role = vocabulary.label(vocabulary.ROLES, user.role, t)
    html = flask.render_template_string(
        PAGE,
        lang=t.language,
        title=_("Not allowed"),
        brand=_("Credit scoring"),
        pages=_("Pages"),
        links=allowed_links(user.role, t),
        user=user.username,
        role=role,
        token=token,
        sign_out=_("Sign out"),
        why=_("Your role does not give access to this page."),
        back=_("Back to the start page"),
        css=flask.current_app.config.get("SCORING_BOOTSTRAP_ROUTE"),
    )
    return flask.make_response(html, 403)
