"""Optional single sign-on with the lender's OpenID Connect provider (Authlib), configured by environment:
SCORING_OIDC_ISSUER, SCORING_OIDC_CLIENT_ID, SCORING_OIDC_CLIENT_SECRET, SCORING_OIDC_USERNAME_CLAIM.

The provider proves who the person is (authorisation code flow with PKCE, state and nonce; Authlib checks
the ID token's signature, issuer, audience, expiry and nonce); the account and its role stay ours: the API
signs in the active account named by the claim, with a session token as a password sign-in, and refuses (and
audits) a name without one. The API takes this word only from the dashboard's own key (the API's
SCORING_API_KEY, sent as the dashboard's SCORING_DASHBOARD_API_KEY): single sign-on needs it on both sides.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from authlib.integrations.flask_client import OAuth

from dashboard.api_client import ApiError, api
from dashboard.auth.views import NOT_NOW, page, safe_next, sign_in, translation
from dashboard.settings import DashboardSettings

PROVIDER = "lender"
EXTENSION = "scoring_oidc"
DISCOVERY = "/.well-known/openid-configuration"


def register(server: flask.Flask, settings: DashboardSettings) -> object | None:
    """The provider's client when single sign-on is configured (None otherwise); adds its two routes."""
    if not settings.oidc_issuer:
        return None
    if not settings.oidc_client_id or settings.oidc_client_secret is None:
        raise ValueError(
            "SCORING_OIDC_ISSUER is set: SCORING_OIDC_CLIENT_ID and SCORING_OIDC_CLIENT_SECRET too"
        )
    oauth = OAuth(server)
    client = oauth.register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        server_metadata_url=settings.oidc_issuer.rstrip("/") + DISCOVERY,
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )
    server.extensions[EXTENSION] = (
        client,
        settings.oidc_username_claim,
        urlsplit(settings.oidc_issuer).netloc,
    )
    server.config["SCORING_SSO_LABEL"] = settings.oidc_label
    server.add_url_rule("/login/sso", "login_sso", start)
    server.add_url_rule("/login/sso/callback", "login_sso_callback", callback)
    return client


def start() -> flask.Response:
    """Send the person to the provider, to come back to the callback."""
    client, _, _ = flask.current_app.extensions[EXTENSION]
    flask.session["sso_next"] = safe_next(flask.request.args.get("next"))
    return client.authorize_redirect(flask.url_for("login_sso_callback", _external=True))


def callback() -> flask.Response:
    """The provider's answer: the checked ID token's user name, signed in if the API knows the account."""
    client, claim, provider = flask.current_app.extensions[EXTENSION]
    _ = translation().gettext
    try:
        token = client.authorize_access_token()
    except Exception as error:  # any refusal of the provider's answer (state, token, signature...)
        flask.current_app.logger.warning("single sign-on refused: %s", type(error).__name__)
        return page(_("Single sign-on did not succeed: try again, or sign in with a password."), status=401)
    username = str((token.get("userinfo") or {}).get(claim, ""))
    try:
        payload = api().sso_login(username, provider)
    except ApiError as error:
        if error.status == 401:
            return page(
                _("Your company account has no active account here: ask an administrator."), status=401
            )
        return page(_(NOT_NOW).format(reason=error.message), status=503)
    return sign_in(payload)
