"""The public gallery: the national listing at /gallery (search, filters, pages), each
listed case study's page, its cards, and the Atom feed. No sign-in, no session.

Every response is made from `operations.impact.gallery`, which hands over public fields
only. Before anything is rendered, the data's stamp is compared with the request's
validators and a `304 Not Modified` answers when nothing changed; otherwise the page goes
out with its `ETag` and `Last-Modified`. A case study withdrawn or rejected after its
acceptance answers 410 Gone. With `[gallery] enabled = false` every address is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for

from scheduler.operations.content.categories import categories
from scheduler.operations.impact.feed import FeedLinks, gallery_feed
from scheduler.operations.impact.gallery import (
    GalleryQuery,
    Gone,
    gallery,
    gallery_stamp,
    public_card,
    public_page,
    with_labels,
)
from scheduler.operations.showcase.engagement import format_count
from scheduler.web.guards import public
from scheduler.web.public import entity_tag, not_modified, public_headers, validators
from scheduler.web.state import config, workspace

bp = Blueprint("gallery", __name__)

PER_PAGE = 20
YEAR_ERROR = "Select a year from the list"


@bp.before_request
def _enabled() -> None:
    if not config().gallery.enabled:
        abort(404)


@bp.after_request
def _headers(response: Response) -> Response:
    return public_headers(response, config().gallery.embed_origins)


def _cached(render: Callable[[], Response], *extra: str) -> Response:
    """`render()`'s response with validators from the data and this address, or a 304
    without calling it."""
    stamp = gallery_stamp(workspace())
    etag = entity_tag(stamp.token, request.full_path, *extra)
    unchanged = not_modified(etag, stamp.last_modified)
    if unchanged is not None:
        return unchanged
    return validators(render(), etag, stamp.last_modified)


def _query() -> tuple[GalleryQuery, list[dict[str, str]]]:
    args = request.args
    errors = []
    year_text = args.get("year", "").strip()
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    if year_text and year is None:
        errors.append({"text": YEAR_ERROR, "href": "#year"})
    page = args.get("page", "1")
    query = GalleryQuery(
        text=args.get("q", "")[:200],
        region=args.get("region") or None,
        category=args.get("category") or None,
        service=args.get("service") or None,
        year=year,
        showcased_only=args.get("showcased") == "yes",
        page=int(page) if page.isdigit() and len(page) < 7 else 1,
        per_page=PER_PAGE,
    )
    return query, errors


def _pages(page: int, pages: int, link: Callable[[int], str]) -> list[dict[str, Any]]:
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number - items[-1]["number"] > 1:
            items.append({"ellipsis": True, "number": number - 1})
        items.append({"number": number, "href": link(number), "current": number == page})
    return items


@bp.get("/gallery")
@public
def index() -> Response:
    def render() -> Response:
        ws = workspace()
        query, errors = _query()
        listing = gallery(ws, query)
        kept: dict[str, Any] = {k: v for k, v in request.args.items() if k != "page" and v}

        def link(number: int) -> str:
            return url_for("gallery.index", **kept, page=number)

        page = listing.query.page
        html = render_template(
            "gallery/index.jinja",
            listing=listing,
            labels={e.ref: with_labels(e, ws) for e in listing.entries},
            args=request.args,
            vocabulary=categories(ws).categories,
            errors=errors,
            pages=_pages(page, listing.pages, link) if listing.pages > 1 else [],
            previous=link(page - 1) if page > 1 else None,
            next=link(page + 1) if page < listing.pages else None,
        )
        return make_response(html, 400 if errors else 200)

    return _cached(render)


@bp.get("/gallery/case-studies/<ref>")
@public
def show(ref: str) -> Response:
    def render() -> Response:
        page = public_page(workspace(), ref)
        if isinstance(page, Gone):
            return _error(410)
        if page is None:
            return _error(404)
        return make_response(render_template("gallery/show.jinja", page=page, count=format_count))

    return _cached(render)


@bp.get("/gallery/case-studies/<ref>/cards/<platform>.png")
@public
def card(ref: str, platform: str) -> Response:
    def render() -> Response:
        png = public_card(workspace(), ref, platform)
        if png is None:
            return _error(404)
        response = Response(png, mimetype="image/png")
        # Feed readers on other sites show the card: let them load it.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return _cached(render)


@bp.get("/gallery/feed.atom")
@public
def feed() -> Response:
    def render() -> Response:
        links = FeedLinks(
            feed=url_for("gallery.feed", _external=True),
            gallery=url_for("gallery.index", _external=True),
            page=lambda ref: url_for("gallery.show", ref=ref, _external=True),
            card=lambda ref, platform: url_for(
                "gallery.card", ref=ref, platform=platform, _external=True
            ),
        )
        response = Response(gallery_feed(workspace(), links), mimetype="application/atom+xml")
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    # The entries' addresses name the host that was asked: part of what the feed is.
    return _cached(render, request.host_url)


GONE = (
    "This case study has been withdrawn",
    ["It is no longer part of the national listing of library impact case studies."],
)
NOT_FOUND = (
    "Page not found",
    [
        "If you typed the web address, check it is correct.",
        "If you pasted the web address, check you copied the entire address.",
    ],
)


def _error(status: int) -> Response:
    title, paragraphs = GONE if status == 410 else NOT_FOUND
    html = render_template("gallery/error.jinja", title=title, paragraphs=paragraphs)
    return make_response(html, status)
