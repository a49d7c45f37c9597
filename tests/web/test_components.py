"""The design system's components are remembered by their parameters: a call seen before
gives the markup it gave then, and nothing that changes the output (text against markup,
true against 1, another value anywhere) can ever be mistaken for it."""

from __future__ import annotations

from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup

from scheduler.web.components import RememberedMarkup, install
from tests.web.conftest import Console


def environment() -> tuple[Environment, RememberedMarkup]:
    env = Environment(
        loader=PackageLoader("nhsuk_frontend_jinja"),
        autoescape=True,
        undefined=ChainableUndefined,
    )
    return env, install(env)


def render(env: Environment, source: str, **values: object) -> str:
    return env.from_string(source).render(**values)


def test_a_component_is_used_by_name_and_remembered_by_its_parameters() -> None:
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


def test_the_oldest_markup_is_forgotten_past_the_limit() -> None:
    env = Environment(
        loader=PackageLoader("nhsuk_frontend_jinja"),
        autoescape=True,
        undefined=ChainableUndefined,
    )
    install(env, RememberedMarkup())
    one = len(render(env, '{{ button({"text": "Button 00"}) }}'))
    known = install(env, RememberedMarkup(limit=5 * one))
    for i in range(20):
        render(env, '{{ button({"text": name}) }}', name=f"Button {i:02d}")
    assert len(known) == 5
    assert "Button 19" in render(env, '{{ button({"text": "Button 19"}) }}')


def test_every_page_s_skip_link_header_and_footer_come_from_the_remembered_components(
    console: Console,
) -> None:
    known: RememberedMarkup = console.app.extensions["vignettes.components"]
    first = console.get("/login").text

    assert {"skipLink", "header", "footer"} <= known.names()
    assert console.get("/login").text.count("nhsuk-footer") == first.count("nhsuk-footer") > 0
    assert 'href="#maincontent"' in first and "Skip to main content" in first
