"""Guessing what a file is: its format, its text encoding, its CSV delimiter.

Everything here works on the first bytes of a file (a *sample*), then on a
stream of chunks, so a file of any size is read with bounded memory.

Encoding policy (what a French office produces)
-----------------------------------------------
1. A byte-order mark decides: UTF-8 BOM → ``utf-8-sig``; UTF-16/32 BOM → that.
2. UTF-16 without a BOM is recognised by its NUL bytes on every other byte.
3. Otherwise the first :data:`SAMPLE_SIZE` bytes are decoded as strict UTF-8;
   if they pass, the file is read as ``utf-8`` *adaptively* (see below), if
   they fail it is read as ``cp1252``.
   A sample whose non-ASCII bytes are Mac Roman's accented letters (``é`` is
   0x8E there, ``è`` 0x8F, ``ç`` 0x8D: Ž, ˆ and undefined bytes in cp1252;
   Excel for Mac's "CSV (Macintosh)") is read as ``mac_roman``; one whose accents
   read as French letters in DOS's code page 850 (``é`` 0x82, ``è`` 0x8A: old
   accounting and till software) as ``cp850``.
4. ``cp1252`` is a superset of latin-1 for printable characters; its five
   undefined bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) are decoded as latin-1, so
   decoding never fails and no byte is lost.

*Adaptive UTF-8*: a file may be pure ASCII for megabytes and meet its first
accented byte late. The decoder checks every chunk; at the first invalid
UTF-8 sequence:

- if everything before it was ASCII, the rest of the file is decoded as
  cp1252. The result is exact, because ASCII reads the same in both, and the
  table's encoding becomes ``cp1252`` (``switched_at`` gives the byte offset);
- if real UTF-8 text came before, the file mixes encodings (two exports glued
  together). Each invalid sequence is decoded as cp1252 on its own, the count
  is kept in ``fallback_bytes`` and a warning is recorded. Nothing is dropped.

An explicit ``encoding=`` is strict: a byte it cannot decode raises
:class:`~carnet.errors.InputFileError` naming the byte offset (except cp1252,
which falls back to latin-1 as above, and latin-1, which cannot fail).

Delimiter policy
----------------
``csv.Sniffer`` guesses poorly on real exports. Here quoted sections are
removed, then each candidate (``;`` ``,`` tab ``|``) is counted on every one
of the first records. The candidate present in the header whose count is the
same on most records wins; ties go to the larger count, then to the order
``;`` ``,`` tab ``|`` (French Excel first). A file whose header holds no
candidate has one column; the candidate least seen in the data is chosen so
that its values are not split, unless it is a title line ("Export clients du
12/03/2024"): when the first records hold no candidate and the records after
them agree on one that splits them in three columns or more, those records are
a title block and the delimiter is sniffed below it. An Excel ``sep=;`` first
line is honoured.
"""

from __future__ import annotations

import codecs
import itertools
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from carnet.errors import InputFileError

__all__ = [
    "CHUNK_SIZE",
    "DELIMITERS",
    "SAMPLE_SIZE",
    "DecodeState",
    "TextDecoder",
    "binary_kind",
    "detect_encoding",
    "iter_lines",
    "looks_binary",
    "normalise_encoding",
    "sniff_delimiter",
    "zip_workbook",
]

#: Bytes read to guess the encoding (and to check the file is text).
SAMPLE_SIZE = 1 << 20
#: Bytes read at a time while streaming.
CHUNK_SIZE = 1 << 20
#: Candidate delimiters, in order of preference on ties.
DELIMITERS = (";", ",", "\t", "|")

_CP1252_FALLBACK = "carnet.latin1"


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes cp1252 leaves undefined as latin-1 (C1 controls)."""
    if isinstance(error, UnicodeDecodeError):
        return error.object[error.start : error.end].decode("latin-1"), error.end
    raise error


codecs.register_error(_CP1252_FALLBACK, _latin1_fallback)

# Magic numbers of files people rename or pick by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def binary_kind(head: bytes) -> str | None:
    """Name the kind of a file from its first bytes when it is a known binary.

    Args:
        head: the first bytes of the file (16 are enough).

    Returns:
        ``"zip"`` (XLSX, XLSB, ODS: see :func:`zip_workbook`), ``"ole2"``
        (an Excel 97-2003 ``.xls``, or an Office file protected by a password),
        a description such as ``"a PNG image"``, or None when the bytes match no
        known binary format.
    """
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            # "MZ" and "BZh" are short: require a second sign of binary data.
            if magic in (b"MZ", b"BZh") and not looks_binary(head[:4096].decode("latin-1")):
                continue
            return kind
    return None


#: The ``mimetype`` an OpenDocument spreadsheet (or its template) stores first.
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def zip_workbook(path: Path, head: bytes) -> Literal["xlsx", "xlsb", "ods"] | None:
    """Which workbook a ZIP archive holds.

    An OpenDocument spreadsheet names itself in a ``mimetype`` member, stored
    first and uncompressed so that its first bytes tell (even when the rest of
    the file is damaged or cut short); otherwise the members decide: an Excel
    binary workbook has ``xl/workbook.bin``, an XLSX ``xl/workbook.xml``.

    Args:
        path: the file (its list of members is read, not its contents).
        head: the file's first bytes.

    Returns:
        ``"ods"``, ``"xlsb"`` or ``"xlsx"``, or None for another archive or
        one whose list of members cannot be read.
    """
    if head.startswith(_ZIP) and len(head) >= 30:
        name_size, extra_size = struct.unpack_from("<HH", head, 26)
        if head[30 : 30 + name_size] == b"mimetype":
            data = 30 + name_size + extra_size
            if head[data : data + len(_ODS_MIMETYPE)] == _ODS_MIMETYPE:
                return "ods"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(_ODS_MIMETYPE)) == _ODS_MIMETYPE:
                        return "ods"
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        return None
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def looks_binary(text: str) -> bool:
    """Tell whether decoded text is really binary data.

    Args:
        text: the start of the decoded file (a few KiB).

    Returns:
        True when control characters (other than tab, newlines, form feed)
        make up more than 5 % of it (and at least 8 of them): no customer
        file looks like that, while a stray NUL byte is tolerated.
    """
    if not text:
        return False
    bad = len(_CONTROL.findall(text))
    return bad >= 8 and bad > 0.05 * len(text)


def normalise_encoding(encoding: str) -> str:
    """Return the canonical codec name for a user-given encoding name.

    Args:
        encoding: any alias Python knows (``latin-1``, ``windows-1252``, ``utf8``).

    Returns:
        The codec's canonical name (``iso8859-1``, ``cp1252``, ``utf-8``).

    Raises:
        InputFileError: the name is not an encoding Python knows.
    """
    for candidate in (encoding, encoding.replace("-", "").replace("_", "")):
        try:
            return codecs.lookup(candidate).name
        except LookupError:
            continue
    raise InputFileError(
        f"Unknown encoding {encoding!r}; use utf-8, cp1252 (Windows), latin-1 or iso-8859-15.",
        encoding=encoding,
    )


def detect_encoding(sample: bytes, *, at_eof: bool) -> str:
    """Guess the encoding of a file from its first bytes.

    Args:
        sample: the first bytes of the file (up to :data:`SAMPLE_SIZE`).
        at_eof: True when the sample is the whole file (a truncated UTF-8
            sequence at its end is then an error, not a cut).

    Returns:
        ``utf-8-sig``, ``utf-16``, ``utf-32``, ``utf-16-le``, ``utf-16-be``,
        ``utf-8``, ``cp1252``, ``mac_roman`` or ``cp850``. See the module docstring for
        the policy.

    >>> detect_encoding("prénom;nom\\n".encode("utf-8"), at_eof=True)
    'utf-8'
    >>> detect_encoding("prénom;nom\\n".encode("cp1252"), at_eof=True)
    'cp1252'
    >>> detect_encoding(codecs.BOM_UTF8 + b"a;b", at_eof=True)
    'utf-8-sig'
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    head = sample[:4096]
    if len(head) >= 4:
        half = len(head) // 2
        even_nul = head[0::2].count(0)
        odd_nul = head[1::2].count(0)
        if odd_nul > 0.4 * half and even_nul < 0.05 * half:
            return "utf-16-le"
        if even_nul > 0.4 * half and odd_nul < 0.05 * half:
            return "utf-16-be"
    try:
        codecs.utf_8_decode(sample, "strict", at_eof)
    except UnicodeDecodeError:
        if _looks_mac_roman(sample):
            return "mac_roman"
        return "cp850" if _looks_dos(sample) else "cp1252"
    return "utf-8"


#: Mac Roman's bytes for the lower-case accented letters of French (é è à â ç ê ï ô ù û
#: ü œ): Ž, ˆ, ‰, •, ™, ž, Ÿ, Ï and undefined bytes in cp1252. Not ë and î, which are
#: cp1252's curly quotes (‘ ”), found beside letters in any French text.
_MAC_LOWER = frozenset(b"\x8e\x8f\x88\x89\x8d\x90\x95\x99\x9d\x9e\x9f\xcf")


def _looks_mac_roman(sample: bytes) -> bool:
    """French text written in Mac Roman rather than Windows-1252.

    Accented letters sit among lower-case letters: "H\x8el\x8fne" is Hélène in
    Mac Roman, where cp1252 writes é as 0xE9. The encoding whose accents sit
    there more often wins; cp1252 on a tie.

    >>> _looks_mac_roman("Hélène Dupré, Besançon".encode("mac_roman"))
    True
    >>> _looks_mac_roman("Hélène Dupré, Besançon".encode("cp1252"))
    False
    """
    mac = cp1252 = 0
    last = len(sample) - 1
    for i, byte in enumerate(sample):
        if byte < 0x80:
            continue
        before = sample[i - 1] if i else 0
        after = sample[i + 1] if i < last else 0
        if not (0x61 <= before <= 0x7A or 0x61 <= after <= 0x7A):
            continue
        if byte in _MAC_LOWER:
            mac += 1
        elif byte >= 0xE0:
            cp1252 += 1
    return mac >= 2 and mac > cp1252


#: The accented letters of French, upper and lower case.
_FRENCH_LETTERS = frozenset("éèêëàâîïôùûüçÉÈÊËÀÂÎÏÔÙÛÜÇœŒ")


def _french_score(text: str) -> int:
    """How French a decoding reads: +1 per accented letter of French inside a word,
    -1 per other non-ASCII character there ("H‚lŠne", "Fran‡ois"). Quote marks
    around a word ("“bar”" is "ôbarö" in cp850) are no accents; and where cp1252
    reads French letters, cp850 never reads more of them (its "Ô" is cp1252's "â")."""
    score = 0
    last = len(text) - 1
    for i, char in enumerate(text):
        if char < "\x80":
            continue
        before = text[i - 1].isalpha() if i else False
        after = text[i + 1].isalpha() if i < last else False
        if not (before and after):
            continue
        if char in _FRENCH_LETTERS:
            score += 1
        elif not (char.isalpha() and char.isascii()):
            score -= 1
    return score


def _looks_dos(sample: bytes) -> bool:
    """French text written by DOS-era software (code page 850), not Windows-1252.

    Old accounting and point-of-sale programs write "é" as 0x82 and "è" as 0x8A
    (‚ and Š in cp1252): the decoding whose accents read as French letters wins,
    cp1252 on a tie.

    >>> _looks_dos("Hélène Lefèvre, Français".encode("cp850"))
    True
    >>> _looks_dos("Hélène Lefèvre, Français".encode("cp1252"))
    False
    """
    dos = _french_score(sample.decode("cp850"))
    return dos >= 2 and dos > _french_score(sample.decode("cp1252", errors="replace"))


@dataclass
class DecodeState:
    """What the decoder learnt while reading (shared with the table's stats).

    Attributes:
        encoding: the encoding in force; changes from ``utf-8`` to ``cp1252``
            when a late non-UTF-8 byte follows pure ASCII.
        switched_at: byte offset of that first non-UTF-8 byte, if any.
        fallback_bytes: bytes decoded as cp1252 inside an otherwise UTF-8 file.
        nul_chars: NUL characters removed from the text.
        warnings: human-readable notes on the above.
    """

    encoding: str
    switched_at: int | None = None
    fallback_bytes: int = 0
    nul_chars: int = 0
    warnings: list[str] = field(default_factory=list)


class TextDecoder:
    """Turn a binary stream into text chunks following the encoding policy.

    Args:
        fh: the binary file, positioned at its start.
        encoding: a canonical codec name (see :func:`normalise_encoding`).
        auto: True when the encoding was guessed (UTF-8 then adapts to a late
            cp1252 byte); False when the user gave it (strict).
        path: the file's name, for error messages.
        state: where to record switches, fallbacks and removed NULs.
    """

    def __init__(
        self, fh: BinaryIO, encoding: str, *, auto: bool, path: str, state: DecodeState
    ) -> None:
        self._fh = fh
        self._path = path
        self._state = state
        self._offset = 0  # bytes of the file before self._pending
        self._pending = b""
        self._seen_non_ascii = False
        self._utf8 = encoding in ("utf-8", "utf-8-sig")
        if self._utf8:
            self._mode = "adaptive" if auto else "strict-utf8"
            if encoding == "utf-8-sig":
                # A BOM is the writer's word that the file is UTF-8: never
                # reinterpret what came before, only patch invalid bytes.
                self._seen_non_ascii = auto
        elif encoding == "cp1252":
            self._mode = "cp1252"
        else:
            self._mode = "codec"
            self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._encoding = encoding

    def chunks(self, size: int | None = None) -> Iterator[str]:
        """Yield the decoded text, chunk by chunk, NUL characters removed.

        Args:
            size: bytes read at a time (default :data:`CHUNK_SIZE`).

        Yields:
            Decoded text chunks (never empty).

        Raises:
            InputFileError: a strict encoding met a byte it cannot decode.
        """
        fh = self._fh
        size = size or CHUNK_SIZE
        first = True
        while True:
            data = fh.read(size)
            final = not data
            text = self._decode(data, final)
            if first and text:
                first = False
                if self._utf8 and text[0] == "\ufeff":
                    text = text[1:]  # the BOM, however the first reads were cut
            if text:
                if "\x00" in text:
                    self._state.nul_chars += text.count("\x00")
                    text = text.replace("\x00", "")
                if text:
                    yield text
            if final:
                break
        if self._state.nul_chars:
            self._state.warnings.append(
                f"{self._state.nul_chars} NUL character(s) were removed from the file."
            )

    def _decode(self, data: bytes, final: bool) -> str:
        mode = self._mode
        if mode == "cp1252":
            self._offset += len(data)
            return data.decode("cp1252", _CP1252_FALLBACK)
        if mode == "codec":
            try:
                text: str = self._decoder.decode(data, final)
            except UnicodeDecodeError as error:
                raise self._error(self._offset + error.start) from None
            self._offset += len(data)
            return text
        buf = self._pending + data if self._pending else data
        try:
            text, used = codecs.utf_8_decode(buf, "strict", final)
        except UnicodeDecodeError as error:
            return self._recover(buf, error, final)
        if not self._seen_non_ascii and not buf[:used].isascii():
            self._seen_non_ascii = True
        self._pending = buf[used:]
        self._offset += used
        return text

    def _recover(self, buf: bytes, error: UnicodeDecodeError, final: bool) -> str:
        at = self._offset + error.start
        if self._mode == "strict-utf8":
            raise self._error(at)
        if self._mode == "adaptive" and not self._seen_non_ascii and buf[: error.start].isascii():
            # Pure ASCII so far: the file is cp1252 (or latin-1) from the start.
            self._mode = "cp1252"
            self._encoding = "cp1252"
            self._state.encoding = "cp1252"
            self._state.switched_at = at
            self._state.warnings.append(
                f"The first {at} bytes were plain ASCII; the byte at offset {at} is not "
                "UTF-8, so the file was read as cp1252 (Windows)."
            )
            self._pending = b""
            self._offset += len(buf)
            return buf.decode("cp1252", _CP1252_FALLBACK)
        if self._mode == "adaptive":
            self._mode = "mixed"
            self._state.warnings.append(
                f"The file mixes UTF-8 and another encoding (first at byte {at}); "
                "invalid bytes were read as cp1252."
            )
        return self._decode_mixed(buf, final)

    def _decode_mixed(self, buf: bytes, final: bool) -> str:
        out: list[str] = []
        view = memoryview(buf)
        pos = 0
        while True:
            try:
                text, used = codecs.utf_8_decode(view[pos:], "strict", final)
            except UnicodeDecodeError as error:
                start, end = pos + error.start, pos + error.end
                out.append(codecs.utf_8_decode(view[pos:start], "strict", True)[0])
                bad = bytes(view[start:end])
                out.append(bad.decode("cp1252", _CP1252_FALLBACK))
                self._state.fallback_bytes += len(bad)
                pos = end
                continue
            out.append(text)
            pos += used
            break
        self._pending = bytes(view[pos:])
        self._offset += pos
        return "".join(out)

    def _error(self, offset: int) -> InputFileError:
        name = "UTF-8" if self._utf8 else self._encoding
        hint = "cp1252" if self._utf8 else "utf-8"
        return InputFileError(
            f"File '{self._path}' is not valid {name} at byte {offset}; "
            f"pass --encoding {hint} (or the file's real encoding).",
            path=self._path,
            offset=offset,
        )


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def iter_lines(chunks: Iterable[str]) -> Iterator[str]:
    """Split text chunks into lines ending in ``\\n``, ``\\r\\n`` or ``\\r`` only.

    Unlike ``str.splitlines`` this never breaks at U+2028, form feed or other
    Unicode separators, which may sit inside a CSV value; a ``\\r\\n`` cut by a
    chunk boundary stays one line ending. The per-line iteration runs in C
    (``itertools.chain``): Python code runs once per chunk, not per line.

    Args:
        chunks: decoded text pieces in order.

    Returns:
        An iterator of lines with their terminators (the last may have none).
    """
    return itertools.chain.from_iterable(_line_lists(chunks))


def _line_lists(chunks: Iterable[str]) -> Iterator[list[str]]:
    pending = ""
    for chunk in chunks:
        if pending:
            chunk = pending + chunk
        lines = chunk.splitlines(True)
        # splitlines also breaks at U+2028, form feed...: if it found more lines
        # than there are CR/LF line ends, split again on CR/LF only (rare).
        ends = chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")
        if len(lines) != ends + (not chunk.endswith(("\n", "\r"))):
            lines = _LINE.findall(chunk)
        last = lines[-1] if lines else ""
        # Hold back an incomplete line, or a "\r" whose "\n" may start the next chunk.
        pending = "" if last.endswith("\n") else lines.pop()
        if lines:
            yield lines
    if pending:
        yield [pending]


_QUOTED = re.compile(r'"[^"]*"')
_BREAK = re.compile(r"\r\n|\r|\n")


def sniff_delimiter(text: str, *, at_eof: bool, max_records: int = 200) -> str:
    """Pick the CSV delimiter of a text sample.

    Args:
        text: the start of the decoded file.
        at_eof: True when ``text`` is the whole file (its last line is complete).
        max_records: records examined at most.

    Returns:
        One of ``;`` ``,`` tab ``|``. See the module docstring for the rules.

    >>> sniff_delimiter('nom;ville\\nDupont;"Paris, 2e"\\nMartin;Lyon\\n', at_eof=True)
    ';'
    >>> sniff_delimiter('a,b\\n1,"x;y"\\n', at_eof=True)
    ','
    >>> sniff_delimiter('Export clients du 12/03/2024\\n\\nNom;Prénom;Email\\nMartin;Paul;x\\n',
    ...                 at_eof=True)
    ';'
    """
    stripped = _QUOTED.sub("", text)
    lines = _BREAK.split(stripped)
    if not at_eof and len(lines) > 1:
        lines.pop()
    records = [line for line in lines if line.strip(" ")][:max_records]
    if not records:
        return DELIMITERS[0]
    below_title = _below_title(records)
    if below_title is not None:
        return below_title
    return _choose(records)


#: Two spaces or more: what separates a fixed-width file's column names.
_GAP = re.compile(r" {2,}")


def fixed_width_cuts(text: str, *, at_eof: bool, max_records: int = 200) -> list[int] | None:
    """Where the columns of a fixed-width text begin, or None when it is not one.

    Old software prints its lists with columns aligned by spaces, no delimiter at
    all: "NOM         PRENOM        VILLE". Such a text is one: its first line has
    none of the delimiters, names three columns or more apart by two spaces or more,
    and in nine lines of ten a space (or the line's end) comes before each column's
    start.

    >>> fixed_width_cuts("NOM     PRENOM  CP\\nMARTIN  Paul    75001\\nDURAND  Marie   69002\\n",
    ...                  at_eof=True)
    [0, 8, 16]
    >>> fixed_width_cuts("Nom;Prénom;CP\\nMartin;Paul;75001\\n", at_eof=True) is None
    True
    """
    lines = [line.rstrip() for line in _BREAK.split(text)]
    if not at_eof and len(lines) > 1:
        lines.pop()
    lines = [line for line in lines if line.strip()][:max_records]
    if len(lines) < 2 or any(d in lines[0] for d in DELIMITERS):
        return None
    header = lines[0]
    indent = len(header) - len(header.lstrip())
    cuts = [indent] + [indent + m.end() for m in _GAP.finditer(header.strip())]
    if len(cuts) < 3:
        return None
    rows = lines[1:]
    for cut in cuts[1:]:
        aligned = sum(1 for line in rows if len(line) < cut or line[cut - 1] == " ")
        if aligned < 0.9 * len(rows):
            return None
    return [0, *cuts[1:]]


#: Title lines looked through above a header.
_TITLE_LINES = 5


def _below_title(records: list[str]) -> str | None:
    """The delimiter of the table under title lines that hold no candidate, if any."""
    if any(c in records[0] for c in DELIMITERS):
        return None
    titles = 1
    while titles < min(_TITLE_LINES, len(records)) and not any(
        c in records[titles] for c in DELIMITERS
    ):
        titles += 1
    table = records[titles:]
    if len(table) < 2:
        return None
    choice = _choose(table)
    expected = table[0].count(choice)
    same = sum(1 for line in table[1:] if line.count(choice) == expected)
    # Three columns or more, on most records: a table, not values with a comma.
    return choice if expected >= 2 and same * 5 >= len(table[1:]) * 4 else None


def _choose(records: list[str]) -> str:
    header, body = records[0], records[1:]
    best: tuple[float, int, int] | None = None
    choice = None
    for rank, candidate in enumerate(DELIMITERS):
        expected = header.count(candidate)
        if not expected:
            continue
        if body:
            same = sum(1 for line in body if line.count(candidate) == expected)
            consistency = same / len(body)
        else:
            consistency = 1.0
        score = (consistency, expected, -rank)
        if best is None or score > best:
            best, choice = score, candidate
    if choice is not None:
        return choice
    # One column: choose the delimiter that splits the data least.
    totals = [(sum(line.count(c) for line in records), rank) for rank, c in enumerate(DELIMITERS)]
    return DELIMITERS[min(totals)[1]]
