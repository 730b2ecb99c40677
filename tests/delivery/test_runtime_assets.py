"""What the runtime once took from Debian comes from its Python packages: Bootstrap's CSS (bootstrap-flask)
and, where Debian's fonts are absent, the letters' DejaVu Sans (matplotlib's copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring.notice.pdf as pdf
from dashboard.settings import DashboardSettings
from scoring.notice.content import build_notice
from tests.notice.letters import ISSUED, LENDER, facts, pdf_pages


def test_bootstrap_css_comes_with_bootstrap_flask() -> None:
    path = DashboardSettings(_env_file=None).bootstrap_path()
    assert path is not None and "flask_bootstrap" in path.parts
    assert "Bootstrap  v5." in path.read_text()[:200]


def test_a_configured_bootstrap_css_wins(tmp_path: Path) -> None:
    css = tmp_path / "theme.css"
    css.write_text("body {}")
    assert DashboardSettings(_env_file=None, bootstrap_css=css).bootstrap_path() == css


def test_letters_use_matplotlib_fonts_without_debian_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "DEBIAN_FONTS", tmp_path / "absent")
    folder = pdf.default_font_dir()
    assert folder.parts[-4:] == ("matplotlib", "mpl-data", "fonts", "ttf")
    pages, text = pdf_pages(pdf.render_pdf(build_notice(facts(), LENDER, "fr", ISSUED, "L-1")))
    assert pages == 1 and "Prêt à Dépenser" in text


def test_debian_fonts_come_first_when_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in pdf.FONT_FILES.values():
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setattr(pdf, "DEBIAN_FONTS", tmp_path)
    assert pdf.default_font_dir() == tmp_path


def test_no_fonts_anywhere_names_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "DEBIAN_FONTS", tmp_path)
    monkeypatch.setattr(pdf, "PACKAGED_FONTS", ("no_such_package_here", "fonts"))
    with pytest.raises(FileNotFoundError, match="install Debian's fonts-dejavu-core or matplotlib"):
        pdf.render_pdf(build_notice(facts(), LENDER, "en", ISSUED, "L-1"))
