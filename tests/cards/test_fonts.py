from __future__ import annotations

from PIL import features

from cards.fonts import Face, font, font_status, raqm_available


def test_fonts_come_from_their_python_packages_not_the_host() -> None:
    for face in (Face.ARIMO, Face.NOTO):
        path = str(font(face, 20).path)
        assert "site-packages" in path and "fontpkg_" in path


def test_bold_sets_the_weight_axis_of_the_variable_font() -> None:
    regular, bold = font(Face.ARIMO, 40, 400), font(Face.ARIMO, 40, 700)
    assert bold.getlength("Library impact") > regular.getlength("Library impact")


def test_raqm_status_matches_pillow_and_doctor_reports_it() -> None:
    assert raqm_available() == features.check_feature("raqm")
    status = {s.name: s for s in font_status()}
    assert status["RAQM layout"].ok == raqm_available()
    assert status["Arimo"].ok and status["Noto Sans"].ok
