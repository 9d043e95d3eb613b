"""CSV for spreadsheets that treat "=", "+", "-" and "@" as the start of a formula."""

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


class Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value):
        return value
