"""Error pages in the design system's style: 400, a refused CSRF token, 403, 404, 405, 413,
500, and 503 while the database cannot be reached. None shows an exception or a detail
that could help an attacker; 500s and database errors are logged (redacted) instead."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from scheduler.config.web import format_size
from scheduler.web.state import web_config
from vignettes.errors import StoreError

log = logging.getLogger(__name__)

Page = tuple[str, list[str]]


def _pages() -> dict[int, Page]:
    return {
        400: ("Sorry, there is a problem with the request", ["The request was not understood."]),
        403: (
            "You do not have permission to do this",
            ["Your role does not allow it. Ask an admin if you need it for your work."],
        ),
        404: (
            "Page not found",
            [
                "If you typed the web address, check it is correct.",
                "If you pasted the web address, check you copied the entire address.",
            ],
        ),
        405: (
            "Sorry, this page cannot be used that way",
            ["Go back and use the page's buttons and links."],
        ),
        413: (
            "The file is too large",
            [f"The largest file you can upload is {format_size(web_config().upload_limit)}."],
        ),
        500: (
            "Sorry, there is a problem with the service",
            ["Try again later. If it keeps happening, tell the people who run the console."],
        ),
        503: (
            "Sorry, the service is unavailable",
            ["The console cannot reach its database. Try again in a few minutes."],
        ),
    }


CSRF_PAGE: Page = (
    "Sorry, the form could not be sent",
    [
        "This happens when a form was open for a long time, you signed out in another tab, "
        "or the form did not come from this site.",
        "Go back, reload the page and try again.",
    ],
)


def error_page(status: int, page: Page | None = None) -> Response:
    title, paragraphs = page or _pages().get(status) or _pages()[400]
    html = render_template("errors/error.jinja", title=title, paragraphs=paragraphs, status=status)
    return make_response(html, status)


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError) -> Response:
        log.warning("refused a form without a valid CSRF token: %s", exc.description)
        return error_page(400, CSRF_PAGE)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        response = error_page(status if status in _pages() else 400 if status < 500 else 500)
        response.status_code = status
        allowed = getattr(exc, "valid_methods", None)  # 405 says which methods would do
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(StoreError)
    def database_down(exc: StoreError) -> Response:
        log.error("the database is unreachable: %s", str(exc).splitlines()[0])
        return error_page(503)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError) -> Response:
        # Flask has logged the original exception with its traceback (redacted).
        return error_page(500)
