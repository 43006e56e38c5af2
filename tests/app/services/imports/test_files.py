"""Reading files as they come: encodings, separators, headers, dates."""

import codecs

import pytest

from app.errors import Invalid
from app.services.imports.files import decode, detect_separator, header_key, parse_date, read_table


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Élu;Fonction".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Élu;Fonction".encode(), "utf-8-sig"),
        ("Élu;Fonction".encode("cp1252"), "windows-1252"),
        ("Élu;Fonction’".encode("cp1252"), "windows-1252"),
        ("Élu;Fonction".encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(data, encoding):
    text, found = decode(data)
    assert found == encoding and text.startswith("Élu;Fonction")


def test_a_binary_file_is_refused():
    with pytest.raises(Invalid, match="not a text file"):
        decode(b"PK\x03\x04\x00\x00binary")


@pytest.mark.parametrize(("line", "separator"), [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"),
                                                 ("Libellé, du; x;y", ";"), ("seul", ";")])
def test_separators(line, separator):
    assert detect_separator(line) == separator


def test_header_spellings_compare_equal():
    assert header_key("Nom de l’élu") == header_key("NOM DE L'ELU") == header_key(" nom_de_l_elu ")
    assert header_key("\ufeffN° SIREN") == "n siren"


@pytest.mark.parametrize(("text", "iso"), [("01/07/2021", "2021-07-01"), ("1/7/2021", "2021-07-01"),
                                           ("2021-07-01", "2021-07-01"), ("1955-05-02 00:00:00+00", "1955-05-02"),
                                           ("01.07.2021", "2021-07-01")])
def test_dates(text, iso):
    assert parse_date(text).isoformat() == iso


@pytest.mark.parametrize("text", ["2021/07/01", "31/02/2021", "hier"])
def test_bad_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_records_keep_their_line_numbers_across_quoted_line_breaks():
    table = read_table(b'a;b\r\n1;"deux\r\nlignes"\r\n\r\n3;4\r\n')
    assert table.header == ["a", "b"]
    assert table.records == [(2, ["1", "deux\r\nlignes"]), (5, ["3", "4"])]
