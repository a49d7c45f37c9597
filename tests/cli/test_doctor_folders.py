"""`doctor` checks every configured folder: it exists and can be written, or can be
created; anything else is an error naming the folder and why."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Install


def folder_lines(install: Install, *, as_service_user: bool = False) -> tuple[int, list[str]]:
    result = install.cli("doctor", as_service_user=as_service_user)
    assert "Traceback" not in result.err, result.err
    return result.code, [ln for ln in result.out.splitlines() if " folder: " in ln]


def configure(install: Install, cards: Path, var: Path) -> None:
    install.config.write_text(
        f'[database]\nurl = "sqlite:///{install.database}"\n'
        f'[cards]\noutput_dir = "{cards}"\n[daemon]\nvar_dir = "{var}"\n'
    )


def test_every_configured_folder_is_checked_and_missing_ones_can_be_created(
    install: Install,
) -> None:
    configure(install, install.root / "not-yet" / "cards", install.root / "var")

    code, lines = folder_lines(install)

    assert code == 0
    assert [ln.split(":")[1].strip() for ln in lines] == [
        "cards.output_dir",
        "daemon.var_dir",
        "outbox (daemon.var_dir/outbox)",
        "database.url (its folder)",
    ]
    assert f"{install.root / 'not-yet' / 'cards'} can be created" in lines[0]


def test_a_folder_under_a_file_is_an_error_naming_it(install: Install) -> None:
    (install.root / "afile").write_text("")
    configure(install, install.root / "afile" / "cards", install.root / "var")

    code, lines = folder_lines(install)

    assert code == 1
    assert lines[0].startswith("!!") and f"{install.root / 'afile'} is not a folder" in lines[0]


def test_a_read_only_folder_is_an_error_for_the_service_user(install: Install) -> None:
    cards = install.root / "cards"
    cards.mkdir(mode=0o555)
    configure(install, cards, install.root / "var")

    code, lines = folder_lines(install, as_service_user=True)

    assert code == 1
    assert lines[0].startswith("!!") and f"{cards} cannot be written: Permission denied" in lines[0]
