"""CSV for spreadsheets that treat "=", "+", "-" and "@" as the start of a formula."""

import csv
import io
from collections.abc import Iterable

from django.http import StreamingHttpResponse

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Return the cell as text, with a leading apostrophe if a spreadsheet would run it.

    Numbers we write ourselves (amounts, ids) are not touched; any text
    that starts with a formula character is, even "-5" typed as a name.
    """
    if isinstance(value, int | float):
        return str(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(DANGEROUS) else text


def safe_row(row) -> list[str]:
    return [safe_cell(value) for value in row]


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole CSV as one string, every cell made safe (for small files built in memory)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue()


class Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value):
        return value


def stream_csv(filename: str, header, rows) -> StreamingHttpResponse:
    """A CSV download written row by row as it is sent, every cell made safe."""
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(safe_row(header))
        for row in rows:
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
