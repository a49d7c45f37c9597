"""The app factory: `create_app(workspace)` → the console's Flask app.

It wires the pieces, each in its own module: the design system's files (`frontend.py`),
sessions and sign-in (`auth.py`), the role check (`guards.py`), headers and proxies
(`security.py`), error pages (`errors.py`), the header navigation (`navigation.py`), forms
(`forms.py`, `pipeline_forms.py`), sending the email outbox after an act (`mailer.py`) and
one blueprint per screen (`views/`). Templates are autoescaped whatever
their file name, and load the nhsuk-frontend-jinja macros after our own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, g, request
from flask_wtf.csrf import CSRFProtect
from jinja2 import (
    BytecodeCache,
    ChainableUndefined,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
)
from jinja2.bccache import Bucket

from scheduler.operations.accounts.console_key import signing_key as console_signing_key
from scheduler.operations.accounts.passwords import MIN_LENGTH
from scheduler.operations.context import Workspace, one_request
from scheduler.operations.to_do import navigation_counts
from scheduler.web import auth, components, formatting, mailer, navigation, sso, state, wording
from scheduler.web.errors import register_error_pages
from scheduler.web.forms import field_error
from scheduler.web.frontend import Frontend, frontend_blueprint, locate_frontend
from scheduler.web.guards import may
from scheduler.web.security import (
    ForwardedByTrustedProxy,
    RefuseUnusableHost,
    add_security_headers,
    csp_nonce,
)
from scheduler.web.views import account as account_view
from scheduler.web.views import audit as audit_view
from scheduler.web.views import calendar as calendar_view
from scheduler.web.views import engagement as engagement_view
from scheduler.web.views import gallery as gallery_view
from scheduler.web.views import health, home, signin
from scheduler.web.views import impact as impact_view
from scheduler.web.views import invitations as invitations_view
from scheduler.web.views import plan as plan_view
from scheduler.web.views import services as services_view
from scheduler.web.views import sso as sso_view
from scheduler.web.views import users as users_view
from scheduler.web.views import waiting as waiting_view
from scheduler.web.views.case_studies import bp as case_studies_bp
from scheduler.web.views.editing import bp as editing_bp
from scheduler.web.views.importing import bp as importing_bp
from scheduler.web.views.pipeline import bp as pipeline_bp
from scheduler.web.views.review import bp as review_bp
from vignettes.errors import StoreError

SERVICE_NAME = "Impact vignettes"
GALLERY_NAME = "Library impact case studies"
# Phase B1: case studies, one case study (and its decisions), add/edit, import.
CONTENT_SCREENS: tuple[Blueprint, ...] = (
    case_studies_bp,
    review_bp,
    pipeline_bp,
    editing_bp,
    importing_bp,
)
# Phase B2: plan (+ its calendar feed), engagement, users, audit log (home is above).
PLAN_SCREENS: tuple[Blueprint, ...] = (
    plan_view.bp,
    calendar_view.bp,
    engagement_view.bp,
    users_view.bp,
    audit_view.bp,
)
# Issue 22: the public gallery and its feed, and the impact dashboard.
PUBLIC_SCREENS: tuple[Blueprint, ...] = (gallery_view.bp,)
IMPACT_SCREENS: tuple[Blueprint, ...] = (impact_view.bp,)
# Issue 20: the library services directory, invitations, each person's own account.
PEOPLE_SCREENS: tuple[Blueprint, ...] = (services_view.bp, invitations_view.bp, account_view.bp)
SCREENS: tuple[Blueprint, ...] = (
    signin.bp,
    sso_view.bp,
    home.bp,
    waiting_view.bp,
    health.bp,
    *CONTENT_SCREENS,
    *PLAN_SCREENS,
    *PUBLIC_SCREENS,
    *IMPACT_SCREENS,
    *PEOPLE_SCREENS,
)
# Room for the multipart envelope around a file of exactly the upload limit.
MULTIPART_SLACK = 64 * 1024
TEMPLATES = Path(__file__).parent / "templates"
ROLE_COLOURS = {
    "contributor": "aqua-green",
    "viewer": "grey",
    "editor": "blue",
    "reviewer": "yellow",
    "approver": "purple",
    "admin": "orange",
}


class SharedBytecode(BytecodeCache):
    """Compiled templates shared by every console app in this process. Every app compiles
    the same templates with the same options (autoescape, the same loaders), and Jinja
    checks each entry against its template's source, so an app never runs another
    version's code. A process runs one console; the test suite makes hundreds, and
    compiling the design system's 23 component templates was most of each one's start."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = SharedBytecode()


def create_app(
    ws: Workspace,
    *,
    signing_key: bytes | None = None,
    frontend: Frontend | None = None,
    blueprints: Iterable[Blueprint] = (),
) -> Flask:
    """The console for `ws`. Raises ConfigError (bad config, unsafe or short key, no
    single sign-on client secret),
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
    app.jinja_options = {
        **app.jinja_options,
        "autoescape": True,
        "undefined": ChainableUndefined,
        "bytecode_cache": _BYTECODE,
    }
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(TEMPLATES), PackageLoader("nhsuk_frontend_jinja")]
    )
    state.attach(app, ws)
    # First, before the session's account is read: every cached read of the request then
    # shares one look at the database's generation.
    app.before_request(_begin_request)
    app.teardown_request(_end_request)
    CSRFProtect(app)
    auth.init_auth(app)
    sso.init_sso(app, config)
    app.register_blueprint(frontend_blueprint(frontend))
    for blueprint in (*SCREENS, *blueprints):
        app.register_blueprint(blueprint)
    register_error_pages(app)
    mailer.install(app, ws)
    app.jinja_env.globals.update(
        field_error=field_error,
        may=may,
        role_colour=lambda role: ROLE_COLOURS.get(role, "grey"),
        min_password_length=MIN_LENGTH,
        service_name=SERVICE_NAME,
        gallery_name=GALLERY_NAME,
        footer_text=config.cards.brand.footer_text,
        # Without the NHS fonts, the design system's CSS without their @font-face rules:
        # the browser never asks the NHS assets host for Frutiger and uses Arial.
        frontend_css=frontend.css if web.nhs_fonts else frontend.css_without_nhs_fonts,
    )
    # The design system's macros, their markup cached by their parameters.
    app.extensions["vignettes.components"] = components.install(app.jinja_env)
    app.jinja_env.filters.update(formatting.FILTERS)  # phase B2's screens
    app.jinja_env.globals.update(formatting.GLOBALS)
    app.jinja_env.filters.update(wording.FILTERS)
    app.jinja_env.globals.update(wording.GLOBALS)
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
        counts = navigation_counts(state.workspace(), account.actor()) if account else {}
    except StoreError:  # the 503 page must still render
        account, counts = None, {}
    return {
        "cspNonce": csp_nonce(),
        "account": account,
        "navigation": navigation.header_items(current_app, account.role, request.endpoint, counts)
        if account and not auth.waiting(account)
        else [],
    }


def _begin_request() -> None:
    scope = one_request()
    scope.__enter__()
    g.read_scope = scope


def _end_request(_error: BaseException | None) -> None:
    scope = g.pop("read_scope", None)
    if scope is not None:
        scope.__exit__(None, None, None)
