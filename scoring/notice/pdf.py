"""The decision letter as a one-page A4 PDF, drawn with fpdf2 in DejaVu Sans (Debian's fonts-dejavu-core, else
the copy matplotlib ships).

The blocks are laid out as the HTML template lays them out. The text size starts at 10 pt and steps down
until the letter fits on one page; a letter that does not fit even at the smallest size is an error, never
a second page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from scoring.errors import ScoringError
from scoring.notice.content import Notice

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
PACKAGED_FONTS = ("matplotlib", "mpl-data/fonts/ttf")  # the same DejaVu Sans, in a dependency of the project
SIZES = (10.0, 9.5, 9.0, 8.5, 8.0)
MARGIN_X, MARGIN_Y = 20.0, 18.0
GREY = (73, 80, 87)


class LetterDoesNotFit(ScoringError, RuntimeError):
    """The letter needs more than one A4 page even at the smallest text size."""


def _holds_fonts(folder: Path) -> bool:
    return all((folder / name).is_file() for name in FONT_FILES.values())


def default_font_dir() -> Path:
    """Debian's DejaVu folder when it holds the fonts, else matplotlib's copy (found without importing
    matplotlib), else Debian's folder (for the error to name)."""
    if _holds_fonts(DEBIAN_FONTS):
        return DEBIAN_FONTS
    package, relative = PACKAGED_FONTS
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if _holds_fonts(Path(folder, relative)):
            return Path(folder, relative)
    return DEBIAN_FONTS


def font_paths(font_dir: Path) -> dict[str, Path]:
    """The DejaVu Sans files, or an error saying which is missing and where it comes from."""
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"font {', '.join(missing)} not found: install Debian's fonts-dejavu-core or matplotlib (a "
            "dependency of the project, `make run` installs it), or set SCORING_LETTER_FONT_DIR"
        )
    return paths


def _document(notice: Notice, fonts: dict[str, Path], size: float) -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN_X, MARGIN_Y, MARGIN_X)
    pdf.set_auto_page_break(True, MARGIN_Y)
    for style, path in fonts.items():
        pdf.add_font(FONT, style, str(path))
    pdf.set_title(f"{notice.title} - {notice.reference}")
    pdf.set_author(notice.lender.name)
    pdf.set_creator(notice.lender.name)
    pdf.set_lang(notice.language)
    pdf.set_creation_date(notice.issued_at)
    pdf.add_page()
    line = size * 0.52
    width = pdf.epw

    def text(body: str, style: str = "", scale: float = 1.0, indent: float = 0.0) -> None:
        pdf.set_font(FONT, style, size * scale)
        pdf.set_x(MARGIN_X + indent)
        pdf.multi_cell(width - indent, line * scale, body, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    top = pdf.get_y()
    text(notice.lender.name, "B", 1.15)
    text(notice.lender.address)
    left_bottom = pdf.get_y()
    pdf.set_y(top)
    for label, value in notice.header:
        pdf.set_font(FONT, "B", size)
        pdf.set_x(MARGIN_X + width * 0.5)
        pdf.cell(width * 0.24, line, label)
        pdf.set_font(FONT, "", size)
        pdf.cell(width * 0.26, line, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + line * 1.5)
    text(notice.title, "B", 1.35)
    pdf.ln(line * 0.6)
    for block in notice.blocks:
        if block.kind == "heading":
            pdf.ln(line * 0.4)
            text(block.text, "B", 1.1)
        elif block.kind == "paragraph":
            text(block.text)
        elif block.kind == "terms":
            for label, value in block.rows:
                pdf.set_font(FONT, "", size)
                pdf.set_x(MARGIN_X + 2)
                pdf.cell(width * 0.5, line, label)
                pdf.set_font(FONT, "B", size)
                pdf.cell(width * 0.5 - 2, line, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            for i, item in enumerate(block.items, start=1):
                pdf.set_font(FONT, "", size)
                pdf.set_x(MARGIN_X + 2)
                pdf.cell(5, line, f"{i}." if block.kind == "numbered" else "\u2022")
                text(item, indent=7)
        pdf.ln(line * 0.45)
    pdf.ln(line)
    pdf.set_draw_color(*GREY)
    pdf.line(MARGIN_X, pdf.get_y(), MARGIN_X + width, pdf.get_y())
    pdf.ln(line * 0.4)
    pdf.set_text_color(*GREY)
    text(notice.footer, scale=0.82)
    return pdf


def render_pdf(notice: Notice, font_dir: Path | None = None) -> bytes:
    """The letter as PDF bytes, on one A4 page (the largest text size that fits); the fonts from `font_dir`,
    else from `default_font_dir()`."""
    fonts = font_paths(font_dir or default_font_dir())
    for size in SIZES:
        pdf = _document(notice, fonts, size)
        if pdf.page_no() == 1:
            return bytes(pdf.output())
    raise LetterDoesNotFit(f"letter {notice.reference} does not fit on one A4 page at {SIZES[-1]} pt")
