"""CSV in and out, safely: the project's one formula neutraliser and the cardholder reader.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula ("CSV injection"), so every CSV the program writes passes its
cells through :func:`neutralise_cell`, which prefixes them with ``'``.

Writing: :func:`encode_csv` returns the file's bytes (UTF-8 with a byte-order mark, which
spreadsheet programs need to read non-ASCII text correctly) and the caller writes them. The
core does not write files atomically itself: the project has one atomic writer,
:func:`enkash_desktop.store.write_atomic` (temp file, fsync, ``os.replace``, mode 0o600), and
the core may not import the store, so callers pass it in (see :class:`.batch.BatchResults`).

Reading: :func:`read_cardholders_csv` takes the batch input a support agent prepares in a
spreadsheet: header names matched loosely, comma or semicolon, every row validated with the
same rules as the form, and bad rows reported by line number instead of stopping the file.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import EnkashError, ErrorKind
from .fields import CARDHOLDER_IDS, ID_KEYS
from .models import Cardholder
from .validation import validate_cardholder

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
MAX_INPUT_BYTES = 20 * 1024 * 1024

# Normalised header name (lower case, letters and digits only) -> field.
_HEADER_NAMES: dict[str, str] = {
    **{alias: f.key for f in CARDHOLDER_IDS for alias in f.csv_aliases},
    "admin": "admin",
    "isadmin": "admin",
    "role": "admin",
    "type": "admin",
    "cardholdertype": "admin",
    "employeeoradmin": "admin",
    "employeeadmin": "admin",
}
_REQUIRED = ID_KEYS
_COLUMN_LABELS = {f.key: f.phrase for f in CARDHOLDER_IDS}
_ADMIN_WORDS = frozenset({"admin", "hr", "hradmin", "companyadmin", "administrator", "yes",
                          "y", "true", "1", "x"})
_EMPLOYEE_WORDS = frozenset({"", "employee", "emp", "no", "n", "false", "0"})


def neutralise_cell(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralise_row(values: Iterable[object]) -> list[object]:
    """A row ready for ``csv.writer``: None as an empty cell, text cells neutralised."""
    return ["" if v is None else neutralise_cell(v) if isinstance(v, str) else v
            for v in values]


def restore_cell(value: str) -> str:
    """Undo :func:`neutralise_cell` when reading back a file the program wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def encode_csv(header: Sequence[str], rows: Iterable[Iterable[object]]) -> bytes:
    """The bytes of a CSV file: UTF-8 with a byte-order mark, every cell neutralised."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(neutralise_row(header))
    for row in rows:
        writer.writerow(neutralise_row(row))
    return out.getvalue().encode("utf-8")


def normalise_header(name: str) -> str:
    """``Card Account ID``, ``card_account_id`` and ``cardAccountId`` all become one key."""
    return re.sub(r"[^0-9a-z]", "", name.strip().lstrip(BOM).lower())


@dataclass(frozen=True)
class CardholderRow:
    """A valid row of the input file and the line it starts on (for messages)."""

    line: int
    cardholder: Cardholder


@dataclass(frozen=True)
class RowProblem:
    """A row that was left out, with the line it starts on and why."""

    line: int
    message: str
    cardholder: Cardholder | None = None  # the ids as typed (not valid), when there were any

    @property
    def text(self) -> str:
        return f"Line {self.line}: {self.message}"


def _bad_file(message: str) -> EnkashError:
    return EnkashError(ErrorKind.BAD_INPUT, message, field="input")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _bad_file("The file is saved as UTF-16 text. Please save it as "
                        "\"CSV UTF-8\" and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad_file("The file is not UTF-8 text. Please save it as \"CSV UTF-8\" "
                        "and try again.") from None


def _read_source(source: str | bytes | os.PathLike[str]) -> str:
    if isinstance(source, str):
        return source.lstrip(BOM)
    if isinstance(source, bytes):
        return _decode(source)
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise _bad_file(f"The file {path} is larger than 20 MB; please split it.")
        data = path.read_bytes()
    except OSError as exc:
        raise _bad_file(f"The file {path} could not be read: "
                        f"{exc.strerror or exc}. Please check the name and try again.") from None
    return _decode(data)


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon (Excel in many locales) or tab: the most frequent in the header."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _admin_value(text: str) -> bool | None:
    word = normalise_header(text)
    if word in _ADMIN_WORDS:
        return True
    if word in _EMPLOYEE_WORDS:
        return False
    return None


def read_cardholders_csv(
    source: str | bytes | os.PathLike[str],
) -> tuple[list[CardholderRow], list[RowProblem]]:
    """The valid cardholders of a CSV and the rows left out, each with its line number.

    ``source`` is a path (``Path``), the file's bytes, or its text (``str`` is the text
    itself, never a file name). Columns: card account id, company id, EnKash card id, and
    optionally an employee/admin column; other columns are ignored. A file without those
    columns, or that cannot be read, raises BAD_INPUT: nothing in it can be used.
    """
    text = _read_source(source)
    if not text.strip():
        raise _bad_file("The file is empty. Please add a header line and one row per "
                        "cardholder.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[CardholderRow] = []
    problems: list[RowProblem] = []
    first_line: dict[tuple[object, ...], int] = {}
    previous_end = 0
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = record
                columns = _columns(header)
                continue
            cells = {name: restore_cell(record[i].strip()) if i < len(record) else ""
                     for name, i in columns.items()}
            admin = _admin_value(cells.get("admin", ""))
            typed = Cardholder.from_ids(cells, admin=bool(admin))
            if admin is None:
                problems.append(RowProblem(line, f"The admin column says "
                                                 f"'{cells['admin']}'; please write employee "
                                                 "or admin.", typed))
                continue
            try:
                holder = validate_cardholder(typed)
            except EnkashError as exc:
                problems.append(RowProblem(line, exc.message, typed))
                continue
            key = (*holder.ids(), admin)
            if key in first_line:
                problems.append(RowProblem(line, f"This row repeats line {first_line[key]}, "
                                                 "so it is left out.", holder))
                continue
            first_line[key] = line
            rows.append(CardholderRow(line, holder))
    except csv.Error as exc:
        raise _bad_file(f"The file is not valid CSV near line {reader.line_num}: {exc}. "
                        "Please check its quotes.") from None
    return rows, problems


def _columns(header: list[str]) -> dict[str, int]:
    """Field -> column index; raises BAD_INPUT naming the missing columns."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field = _HEADER_NAMES.get(normalise_header(name))
        if field is not None and field not in columns:
            columns[field] = index
    missing = [_COLUMN_LABELS[f] for f in _REQUIRED if f not in columns]
    if missing:
        found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "nothing"
        raise _bad_file(
            f"The file has no column for {' or '.join(missing)}. Its first line should name "
            "the columns Card Account ID, Company ID and EnKash Card ID (and optionally "
            f"Admin); it has {found}."
        )
    return columns
