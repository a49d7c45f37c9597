"""The design system's components are cached by their parameters: a call seen before gives
the markup it gave then, and nothing that changes the output (text against markup, true
against 1, another value anywhere) can ever be mistaken for it. Nothing else of a page is
cached, so another role or a change by another process is always seen."""

from __future__ import annotations

from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup

from scheduler.clock import FakeClock
from scheduler.operations.content.importing import import_case_studies
from scheduler.operations.context import Workspace
from scheduler.web.components import component_names, install, markup_cache
from tests.conftest import case_study_row, write_import
from tests.web.conftest import OPERATOR, Console
from tests.web.content import load
from vignettes.caching import Cache
from vignettes.store.models import MonthlySlot


def environment() -> tuple[Environment, Cache[Markup]]:
    env = Environment(
        loader=PackageLoader("nhsuk_frontend_jinja"),
        autoescape=True,
        undefined=ChainableUndefined,
    )
    return env, install(env)


def render(env: Environment, source: str, **values: object) -> str:
    return env.from_string(source).render(**values)


def test_a_component_is_used_by_name_and_cached_by_its_parameters() -> None:
    env, known = environment()
    page = '{{ button({"text": name}) }}'

    first = render(env, page, name="Save")
    assert render(env, page, name="Save") == first and len(known) == 1
    assert "Save" in first and "nhsuk-button" in first

    assert "Queue" in render(env, page, name="Queue") and len(known) == 2


def test_the_same_characters_as_text_and_as_markup_are_told_apart() -> None:
    env, _known = environment()
    page = '{{ insetText({"text": value}) }}'  # "text" is escaped unless it is markup

    as_text = render(env, page, value="<b>bold</b>")
    as_markup = render(env, page, value=Markup("<b>bold</b>"))

    assert "&lt;b&gt;bold&lt;/b&gt;" in as_text and "<b>bold</b>" not in as_text
    assert "<b>bold</b>" in as_markup


def test_true_and_one_and_a_missing_value_are_different_calls() -> None:
    env, known = environment()
    page = '{{ button({"text": "Go", "small": value}) }}'

    small = render(env, page, value=True)
    render(env, page, value=1)
    plain = render(env, page, value=None)

    assert len(known) == 3
    assert "nhsuk-button--small" in small and "nhsuk-button--small" not in plain


def test_a_value_that_is_not_plain_data_is_rendered_every_time() -> None:
    env, known = environment()

    class Name:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    page = '{{ button({"text": name}) }}'
    assert "First" in render(env, page, name=Name("First"))
    assert "Second" in render(env, page, name=Name("Second"))
    assert len(known) == 0


def test_markup_is_bounded_in_bytes_whatever_people_type() -> None:
    env = Environment(
        loader=PackageLoader("nhsuk_frontend_jinja"),
        autoescape=True,
        undefined=ChainableUndefined,
    )
    known = install(env, markup_cache(max_bytes=64 * 1024))
    page = '{{ input({"id": "q", "name": "q", "value": typed}) }}'  # a search box
    for i in range(500):
        render(env, page, typed=f"search number {i} " + "x" * 200)
    assert 0 < known.bytes <= 64 * 1024 and len(known) < 500
    assert "search number 499" in render(env, page, typed="search number 499 " + "x" * 200)


def test_every_page_s_skip_link_header_and_footer_come_from_the_cached_components(
    console: Console,
) -> None:
    known: Cache[Markup] = console.app.extensions["vignettes.components"]
    first = console.get("/login").text

    assert {"skipLink", "header", "footer"} <= component_names(known)
    assert console.get("/login").text.count("nhsuk-footer") == first.count("nhsuk-footer") > 0
    assert 'href="#maincontent"' in first and "Skip to main content" in first


def test_the_list_shows_an_edit_made_by_another_process_at_once(console: Console) -> None:
    load(console, case_study_row("F-1", title="The first title"))
    console.add_user("vera", "viewer")
    console.sign_in("vera")
    assert "The first title" in console.get("/case-studies").text

    other = Workspace(config=console.ws.config, clock=FakeClock(console.ws.now()))
    rows = [case_study_row("F-1", title="A better title")]
    import_case_studies(
        other, OPERATOR, write_import(console.ws.config.path.parent / "b.json", rows)
    )
    other.close()

    page = console.get("/case-studies").text
    assert "A better title" in page and "The first title" not in page


def test_past_months_show_publish_late_only_to_whoever_may_publish(console: Console) -> None:
    console.add_user("ada", "admin")
    console.add_user("vera", "viewer")
    with console.ws.store.write() as session:
        session.add(MonthlySlot(month="2026-10", state="missed", source="auto", reason="down"))

    console.sign_in("ada")
    assert "Publish late" in console.get("/plan").text
    console.sign_out()
    console.sign_in("vera")
    assert "Publish late" not in console.get("/plan").text
