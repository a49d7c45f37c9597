"""The app factory: `create_app(workspace)` → the console's Flask app.

It wires the pieces, each in its own module: the design system's files (`frontend.py`),
sessions and sign-in (`auth.py`), the role check (`guards.py`), headers and proxies
(`security.py`), error pages (`errors.py`), the header navigation (`navigation.py`), forms
(`forms.py`) and one blueprint per screen (`views/`). Templates are autoescaped whatever
their file name, and load the nhsuk-frontend-jinja macros after our own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, request
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from scheduler.operations.accounts.console_key import signing_key as console_signing_key
from scheduler.operations.accounts.passwords import MIN_LENGTH
from scheduler.operations.context import Workspace
from scheduler.web import auth, components, formatting, navigation, state
from scheduler.web.errors import register_error_pages
from scheduler.web.forms import field_error
from scheduler.web.frontend import Frontend, frontend_blueprint, locate_frontend
from scheduler.web.security import (
    ForwardedByTrustedProxy,
    RefuseUnusableHost,
    add_security_headers,
    csp_nonce,
)
from scheduler.web.views import audit as audit_view
from scheduler.web.views import calendar as calendar_view
from scheduler.web.views import engagement as engagement_view
from scheduler.web.views import gallery as gallery_view
from scheduler.web.views import health, home, signin
from scheduler.web.views import impact as impact_view
from scheduler.web.views import plan as plan_view
from scheduler.web.views import users as users_view
from scheduler.web.views.case_studies import bp as case_studies_bp
from scheduler.web.views.editing import bp as editing_bp
from scheduler.web.views.importing import bp as importing_bp
from scheduler.web.views.review import bp as review_bp
from vignettes.errors import StoreError

SERVICE_NAME = "Impact vignettes"
GALLERY_NAME = "Library impact case studies"
# Phase B1: case studies, one case study (and its decisions), add/edit, import.
CONTENT_SCREENS: tuple[Blueprint, ...] = (case_studies_bp, review_bp, editing_bp, importing_bp)
# Phase B2: plan (+ its calendar feed), engagement, users, audit log (home is above).
PLAN_SCREENS: tuple[Blueprint, ...] = (
    plan_view.bp,
    calendar_view.bp,
    engagement_view.bp,
    users_view.bp,
    audit_view.bp,
)
# Issue 22: the public gallery and its feed.
PUBLIC_SCREENS: tuple[Blueprint, ...] = (gallery_view.bp,)
IMPACT_SCREENS: tuple[Blueprint, ...] = (impact_view.bp,)
SCREENS: tuple[Blueprint, ...] = (
    signin.bp,
    home.bp,
    health.bp,
    *CONTENT_SCREENS,
    *PLAN_SCREENS,
    *PUBLIC_SCREENS,
    *IMPACT_SCREENS,
)
# Room for the multipart envelope around a file of exactly the upload limit.
MULTIPART_SLACK = 64 * 1024
TEMPLATES = Path(__file__).parent / "templates"
ROLE_COLOURS = {"viewer": "grey", "editor": "blue", "approver": "purple", "admin": "orange"}


def create_app(
    ws: Workspace,
    *,
    signing_key: bytes | None = None,
    frontend: Frontend | None = None,
    blueprints: Iterable[Blueprint] = (),
) -> Flask:
    """The console for `ws`. Raises ConfigError (bad config, unsafe or short key),
    FrontendMissing (design system not installed: the message says which command to run).
    `blueprints` adds screens (tests add probe routes this way)."""
    config = ws.config
    web = config.web
    frontend = frontend or locate_frontend()
    app = Flask(__name__, template_folder=None, static_folder="static")
    app.config.update(
        SECRET_KEY=signing_key or console_signing_key(config),
        # __Host-: the browser refuses it unless Secure, host-only and for the whole site.
        SESSION_COOKIE_NAME="__Host-vignettes" if web.secure_cookies else "vignettes",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=web.secure_cookies,
        # The cookie's signature outlives no session (each is checked on the server,
        # which ends it after the idle timeout or this lifetime, and says which).
        PERMANENT_SESSION_LIFETIME=web.session_lifetime,
        MAX_CONTENT_LENGTH=web.upload_limit + MULTIPART_SLACK,
        # The CSRF secret lives in the session, which the server already bounds.
        WTF_CSRF_TIME_LIMIT=None,
        PREFERRED_URL_SCHEME="https" if web.secure_cookies else "http",
    )
    app.jinja_options = {**app.jinja_options, "autoescape": True, "undefined": ChainableUndefined}
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(TEMPLATES), PackageLoader("nhsuk_frontend_jinja")]
    )
    state.attach(app, ws)
    CSRFProtect(app)
    auth.init_auth(app)
    app.register_blueprint(frontend_blueprint(frontend))
    for blueprint in (*SCREENS, *blueprints):
        app.register_blueprint(blueprint)
    register_error_pages(app)
    app.jinja_env.globals.update(
        field_error=field_error,
        role_colour=lambda role: ROLE_COLOURS.get(role, "grey"),
        min_password_length=MIN_LENGTH,
        service_name=SERVICE_NAME,
        gallery_name=GALLERY_NAME,
        footer_text=config.cards.brand.footer_text,
        frontend_css=frontend.css,
    )
    # The design system's macros, remembered by their parameters.
    app.extensions["vignettes.components"] = components.install(app.jinja_env)
    app.jinja_env.filters.update(formatting.FILTERS)  # phase B2's screens
    app.jinja_env.globals.update(formatting.GLOBALS)
    app.context_processor(_chrome)
    app.after_request(lambda response: add_security_headers(response, web))
    # The Host check sees the host as the trusted proxy forwarded it.
    guarded = RefuseUnusableHost(app.wsgi_app)
    app.wsgi_app = ForwardedByTrustedProxy(guarded, web)  # type: ignore[method-assign]
    return app


def _chrome() -> dict[str, Any]:
    """What the layout needs on every page: the nonce for the page template's inline
    script, and the signed-in account with its navigation."""
    if request.blueprint in auth.SESSIONLESS_SCREENS:
        # The same page for everyone: no session read, no account, and the page
        # template's script allowed by its hash (scheduler.web.public), not a nonce.
        return {"cspNonce": None, "account": None, "navigation": []}
    try:
        account = auth.signed_in()
    except StoreError:  # the 503 page must still render
        account = None
    return {
        "cspNonce": csp_nonce(),
        "account": account,
        "navigation": navigation.header_items(current_app, account.role, request.endpoint)
        if account
        else [],
    }
