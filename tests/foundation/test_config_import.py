"""`[import]` and `[selection] prefer_ready`: local column names, the category vocabulary,
each problem listed with its key."""

from __future__ import annotations

from pathlib import Path

from scheduler.config import load_config
from tests.foundation.test_config import REPO, problems_for
from vignettes.categories import DEFAULT_VOCABULARY


def test_the_default_vocabulary_and_readiness_preference_apply_without_config(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "config.toml"
    empty.write_text("")
    config = load_config(empty)
    assert config.importing.vocabulary == DEFAULT_VOCABULARY and config.selection.prefer_ready
    assert load_config(REPO / "config.toml").importing == config.importing


def test_a_configured_vocabulary_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[import.categories]]\ncode = "wellbeing"\nlabel = "Staff wellbeing"\n'
        'aliases = ["Health and wellbeing"]\n'
    )
    vocabulary = load_config(path).importing.vocabulary
    assert vocabulary.codes == ("wellbeing",)
    assert vocabulary.resolve("HEALTH & WELLBEING") == "wellbeing"


def test_bad_import_settings_are_each_listed_with_their_key(tmp_path: Path) -> None:
    problems = problems_for(
        tmp_path,
        """
[selection]
prefer_ready = "yes"

[import.columns]
"Trust" = "trust_name"

[import.category_aliases]
"QI" = "quality"

[[import.categories]]
code = "Patient Care"
label = "Care; and more"

[[import.categories]]
code = "care"
label = "Better care"
aliases = ["Care and more"]
""",
    )
    assert problems[0] == "selection.prefer_ready: must be true or false, got 'yes'"
    assert problems[1].startswith("import.columns.Trust: 'trust_name' is not a field (fields: ref")
    assert problems[2:] == [
        "import.categories: 'Patient Care': a code is lower-case letters, digits and '-', at "
        "most 40 characters",
        "import.categories: Patient Care: label 'Care; and more' must be 1-40 characters on "
        "one line, without ';' or ','",
        "import.categories: care: alias 'Care and more' already names Patient Care; each name "
        "may mean one category",
        "import.categories: alias 'QI' names 'quality', which is not a category code",
    ]
