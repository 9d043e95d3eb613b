"""A record of contribution as a PDF: plain, large enough to read, and true to the record.

Written with fpdf2. Names in any language need a Unicode font: COPROD_PDF_FONT
names a TrueType file (default: DejaVu Sans, Debian's fonts-dejavu-core). If
it is missing, the built-in Helvetica is used and letters it cannot draw are
written without their accents, so the PDF is still made.
"""

import unicodedata
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from projects.ending.record import Record

FONT = "Body"


def _font(pdf: FPDF) -> bool:
    """Load the Unicode font; return False when only the built-in font is there."""
    path = Path(settings.COPROD_PDF_FONT)
    bold = path.with_name(path.stem + "-Bold" + path.suffix)
    if not path.is_file():
        return False
    pdf.add_font(FONT, "", str(path))
    pdf.add_font(FONT, "B", str(bold if bold.is_file() else path))
    return True


def _plain(text: str) -> str:
    """For the built-in font: keep what Latin-1 holds, and take accents off the rest."""
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            out.append(
                unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
                or "?"
            )
    return "".join(out)


def record_pdf(record: Record) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"Record of contribution: {record.name}")
    pdf.set_author(record.organisation)
    pdf.set_creator("Coprod")
    unicode_font = _font(pdf)
    family = FONT if unicode_font else "Helvetica"
    say = (lambda text: text) if unicode_font else _plain
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: int = 15) -> None:
        pdf.set_font(family, "B", size)
        pdf.multi_cell(width, size * 0.55, say(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def line(text: str, size: int = 12) -> None:
        pdf.set_font(family, "", size)
        pdf.multi_cell(width, size * 0.5, say(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)

    heading("Record of contribution", 20)
    line(f"{record.name}, with {record.organisation}", 14)
    line(f"Made on {record.made_on:%-d %B %Y}.")
    pdf.ln(3)
    heading("In short")
    line(
        f"Meetings taken part in: {record.meetings}. Time given: {record.hours}. "
        f"Points raised: {record.points}, of which {record.changes} led to a change."
    )
    for part in record.projects:
        pdf.ln(2)
        heading(part.title, 14)
        line(f"Taking part since {part.joined_on:%B %Y} ({part.status.lower()}).")
        if part.roles:
            line("Roles held: " + ", ".join(part.roles) + ".")
        line(f"Meetings: {part.meetings}. Time given: {part.hours}.")
        for point in part.points:
            changed = " It led to a change." if point.changed else ""
            line(f"Point raised ({point.on:%B %Y}): {point.said} Answer: {point.answer}.{changed}")
        for milestone in part.milestones:
            line(f"Credited for: {milestone}.")
    if record.training:
        pdf.ln(2)
        heading("Training")
        for item in record.training:
            line(item + ".")
    pdf.ln(4)
    heading("Signed off")
    sign_off = record.sign_off
    if sign_off is None:
        line("Not signed off yet. A coordinator can check this record and sign it off.")
    else:
        line(
            f"Checked and signed off by {sign_off.signed_by_name}, {sign_off.role}, "
            f"{record.organisation}, on {sign_off.created_at:%-d %B %Y}. "
            "The sign-off covers the record as it stood that day."
        )
        if sign_off.note:
            line(sign_off.note)
    return bytes(pdf.output())
