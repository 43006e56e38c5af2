"""Reading the files people have: encodings, separators, headers and dates as they come.

Spreadsheets and official exports disagree on everything: UTF-8 with or without a byte order
mark (Excel's "CSV UTF-8"), Windows-1252 (Excel's "CSV (séparateur : point-virgule)" and the
older RNE files), UTF-16 (Excel's "Texte Unicode"); ``;``, ``,`` or tab; dates as dd/mm/yyyy,
d/m/yyyy or ISO. Each helper detects what it can and says what it found.
"""

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from app.errors import Invalid

SEPARATORS = {";": "semicolon", ",": "comma", "\t": "tab"}


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of its encoding (UTF-8, with or without BOM, UTF-16
    with BOM, else Windows-1252/latin-1)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise Invalid(f"the file starts with a UTF-8 byte order mark but is not UTF-8 ({error.reason} "
                          f"at byte {error.start})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise Invalid("the file starts with a UTF-16 byte order mark but is not UTF-16") from None
    if b"\x00" in data[:4096]:
        raise Invalid("this is not a text file (it holds NUL bytes): export it as CSV")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def detect_separator(header_line: str) -> str:
    """The separator that splits the header line into the most columns (``;`` on a tie)."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(counts.values())
    if best == 0:
        return ";"
    for sep in (";", "\t", ","):
        if counts[sep] == best:
            return sep
    return ";"  # pragma: no cover


def header_key(name: str) -> str:
    """A header's comparable form: no accents, case, quotes or punctuation.

    >>> header_key("N° SIREN")
    'n siren'
    >>> header_key("Nom de l’élu")
    'nom de l elu'
    """
    text = name.replace("\ufeff", "").replace("°", " ").strip().strip('"')
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class Table:
    """A delimited file: its header, and its records with the line each starts on.

    ``records`` is a list, or with ``lazy=True`` an iterator read as it goes (a national RNE file
    has half a million rows, most of them outside any one territory); ``estimated_rows`` then
    sizes a progress bar.
    """

    header: list[str]
    header_line: int
    separator: str
    encoding: str
    records: "list[tuple[int, list[str]]] | Iterator[tuple[int, list[str]]]"
    estimated_rows: int


def read_table(data: bytes, *, find_header: Callable[[list[str]], bool] | None = None,
               max_preamble: int = 10, no_header: str = "no header line found in the first lines of the file",
               lazy: bool = False) -> Table:
    """Decode and split ``data``. ``find_header(cells) -> bool`` picks the header line among the
    first lines (an RNE file of 2019 opens with a report title); else the first non-empty one."""
    text, encoding = decode(data)
    del data
    if not text.strip():
        raise Invalid("the file is empty")
    lines = text[:200_000].splitlines()
    header_index = None
    for index, line in enumerate(lines[:max_preamble]):
        if not line.strip():
            continue
        if find_header is None:
            header_index = index
            break
        separator = detect_separator(line)
        cells = next(csv.reader([line], delimiter=separator))
        if find_header(cells):
            header_index = index
            break
    if header_index is None:
        raise Invalid(no_header)
    separator = detect_separator(lines[header_index])
    # Re-read from the header on, so that quoted fields may hold separators and line breaks.
    offset = sum(len(line) for line in text[:200_000].splitlines(keepends=True)[:header_index])
    reader = csv.reader(io.StringIO(text[offset:], newline=""), delimiter=separator)
    try:
        header = [cell.replace("\ufeff", "").strip() for cell in next(reader)]
    except csv.Error as error:
        raise Invalid(f"line {header_index + 1}: the file cannot be read as CSV ({error})") from None
    estimated = max(text.count("\n", offset) - 1, 0)
    records = _records(reader, header_index)
    return Table(header, header_index + 1, separator, encoding, records if lazy else list(records), estimated)


def _records(reader, header_index: int) -> Iterator[tuple[int, list[str]]]:
    start = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                yield header_index + start, record
            start = reader.line_num + 1
    except csv.Error as error:
        raise Invalid(f"line {header_index + reader.line_num}: the file cannot be read as CSV ({error})") from None


_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")


def parse_date(value: str) -> date | None:
    """dd/mm/yyyy, d/m/yyyy, dd.mm.yyyy or ISO yyyy-mm-dd (a time after it is ignored); None
    when empty; :class:`ValueError` otherwise.

    >>> parse_date("1/7/2021"), parse_date("2021-07-01 00:00:00+00")
    (datetime.date(2021, 7, 1), datetime.date(2021, 7, 1))
    """
    text = value.strip()
    if not text:
        return None
    match = _DMY.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _YMD.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(f"{value!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)")


@lru_cache(maxsize=100_000)
def normalize_person_name(text: str) -> str:
    """Case-, accent-, hyphen- and space-insensitive form of a name, for identity matching.

    >>> normalize_person_name("Jean-Pierre  D'ÉLIA")
    'jean pierre d elia'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def cell_getter(header: list[str], aliases: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Map canonical field names to column positions, from header keys; returns (positions,
    headers not understood)."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for position, name in enumerate(header):
        field = aliases.get(header_key(name))
        if field is None:
            if name.strip():
                unknown.append(name)
        elif field not in positions:
            positions[field] = position
    return positions, unknown


def cells(record: list[str], positions: dict[str, int]) -> dict[str, str]:
    """The record's values by field (missing trailing cells are empty)."""
    return {name: (record[pos].strip() if pos < len(record) else "") for name, pos in positions.items()}


def describe_separator(separator: str) -> str:
    return SEPARATORS.get(separator, repr(separator))

