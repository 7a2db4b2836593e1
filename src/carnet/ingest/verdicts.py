"""Verdicts for whole columns, computed once per distinct value.

Imports check columns, not cells: each distinct raw value of a column is
checked once (and remembered across batches, within a memory bound), then every
cell gets its verdict by a dictionary look-up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from itertools import compress, count, repeat
from operator import is_, itemgetter, not_

import ftfy

from carnet.fields import email, phone
from carnet.fields.catalog import Field, Kind
from carnet.fields.values import checker_for, is_text_like
from carnet.fields.verdict import Status, Verdict, no_value, without_text_marker

#: Distinct values remembered per column before the cache is cleared. A verdict
#: with its strings weighs about half a kilobyte, and a file may check twenty
#: columns: a few batches' worth per column keeps repeats cheap and memory small.
CACHE_LIMIT = 20_000

#: The same, for the email and phone verdicts every file of the process shares: two
#: caches in all, not one per column, whose verdicts are small (a valid address's
#: normalised text is most often its raw text). With 20,000, the 100,000-people
#: benchmark checked each distinct email about twice: the shop export, the newsletter
#: and the CRM dump name the same people files apart.
SHARED_CACHE_LIMIT = 150_000

#: The bound of the shared email cache, larger: the files of one customer base name the
#: same addresses file after file (the shop's customers again in its order lines, the
#: newsletter's subscribers in the shop export), far apart. At 1,000,000 people the demo
#: files hold 1,140,623 distinct addresses; with 150,000 the cache was cleared fourteen
#: times and 1,027,681 of them were checked twice or more (2,168,304 checks), so the
#: check's time grew faster than the files. An address's verdict weighs about 190 bytes
#: with its text (the plain ones share their text with their normalised form). A bound
#: of 1,200,000 held them all, but took the import's peak memory at 1,000,000 people from
#: 707 to 937 MB, and by as much at 5,000,000 (815 MB before: near 1 GB); 600,000
#: (about 115 MB) is cleared once at 1,000,000 people instead of fourteen times. Phones
#: are fewer and are not shared as much by the demo's files: they keep the bound above.
EMAIL_CACHE_LIMIT = 600_000

#: Email (without DNS) and phone verdicts depend on the value and the default
#: country only, so every column of every file imported in this process shares
#: one cache per kind and country: the same address in the shop export and the
#: newsletter list is checked once.
_SHARED: dict[tuple[Kind, str], dict[str | None, Verdict]] = {}

#: A verdict's status (``Verdict`` is a named tuple: its third item).
_STATUS = itemgetter(2)


#: First characters of UTF-8 accents read as Windows-1252 ("Ã©" for "é", "â€™" for "’").
_MOJIBAKE_LEADS = frozenset("ÃÂâÅÄ")


def repaired_encoding(value: str | None) -> str | None:
    """The text a cell meant when its UTF-8 was decoded as Windows-1252, else None.

    A file saved as UTF-8, opened as Windows-1252 and saved again (Excel, an old
    CRM) holds "FranÃ§ois", "HÃ©lÃ¨ne", "rue de lâ€™Ã‰glise": every name of it
    was invalid and every city unknown. ftfy undoes the double decoding; it
    leaves alone text that only looks like it ("SÃO PAULO", "João").

    >>> repaired_encoding("FranÃ§ois"), repaired_encoding("João")
    ('François', None)

    ftfy leaves "NÃŽMES" ("NÎMES": the Î's second byte is the Ž of Windows-1252) as
    it is; a cell whose every character is Windows-1252, whose bytes then read as
    UTF-8 without a fault and give accented Latin letters (À to ÿ, the French ones among
    them) is repaired all the same: text that only looks garbled ("SÃO PAULO") is no
    such UTF-8.

    >>> repaired_encoding("NÃŽMES"), repaired_encoding("ÃŽLE-DE-FRANCE")
    ('NÎMES', 'ÎLE-DE-FRANCE')

    That exact undoing is tried first: where it exists it is the text, and ftfy's
    guesses can differ from it ("Ã\xa0Ã‚ AA", "àÂ AA" garbled, which ftfy read as
    "à\xa0AA"). ftfy repairs the rest (a cell garbled in part only, or whose bytes
    Windows-1252 leaves undefined).
    """
    if not value or value.isascii() or _MOJIBAKE_LEADS.isdisjoint(value):
        return None
    try:
        exact = value.encode("cp1252").decode("utf-8")
    except UnicodeError:
        exact = None
    if exact is not None and all(c.isascii() or "\u00c0" <= c <= "\u00ff" for c in exact):
        return exact if exact != value else None
    fixed = ftfy.fix_encoding(value)
    return fixed if fixed != value else None


def _with_repair_noted(verdict: Verdict, raw: str) -> Verdict:
    """``verdict`` (of the repaired text) as the verdict of the cell ``raw``."""
    reason = (
        f"Accents repaired: the file had been decoded with the wrong encoding "
        f"({raw!r} read for {verdict.raw!r})."
    )
    status = Status.WARNING if verdict.status is Status.VALID else verdict.status
    return verdict._replace(
        status=status, flags=verdict.flags | {"encoding"}, reasons=(*verdict.reasons, reason)
    )


class ColumnChecker:
    """Checks the values of one field, caching verdicts by raw value.

    Args:
        field: the catalog field of the column.
        country: default country for phones and postcodes.
        zone: the time zone the file's times were written in (default: the country's).
        email_dns_timeout: when set, emails are also checked for deliverability
            (their domain's mail servers in DNS) with this timeout in seconds.
        dayfirst: False when the file writes its dates month first.
    """

    def __init__(
        self,
        field: Field,
        country: str,
        *,
        zone: str | None = None,
        email_dns_timeout: float | None = None,
        dayfirst: bool = True,
    ) -> None:
        self.field = field
        self._check: Callable[[str], Verdict] = checker_for(
            field, country, zone=zone, dayfirst=dayfirst
        )
        self._text_like = is_text_like(field)
        if field.kind is Kind.EMAIL and email_dns_timeout is not None:
            self._check = lambda v: email.check(v, deliverability=True, timeout=email_dns_timeout)
        # Email (without DNS) and phone checks take any value, blanks included, and
        # never raise: they are called as they are, without _one's guards, on all
        # the new values of a batch at once (parts of them run as column operations).
        self._total: Callable[[Sequence[str | None]], list[Verdict]] | None = None
        if field.kind is Kind.EMAIL and email_dns_timeout is None:
            self._total = email.check_distinct
        elif field.kind is Kind.PHONE:
            self._total = partial(phone.check_distinct, region=country)
        self._cache: dict[str | None, Verdict] = (
            _SHARED.setdefault((field.kind, country), {}) if self._total is not None else {}
        )
        self._cache_limit = (
            CACHE_LIMIT
            if self._total is None
            else EMAIL_CACHE_LIMIT
            if field.kind is Kind.EMAIL
            else SHARED_CACHE_LIMIT
        )
        self.counts: Counter[Status] = Counter()
        self.checked = 0
        # distinct values whose accents were repaired (see repaired_encoding)
        self.repaired: list[tuple[str, str]] = []
        self.repaired_count = 0

    def column(self, values: Sequence[str | None]) -> list[Verdict]:
        """One verdict per value, in order; counts each cell's status."""
        cache = self._cache
        if len(cache) > self._cache_limit:
            cache.clear()
        # Each distinct value of the batch is looked up once in the cache, whose hundreds
        # of thousands of verdicts lie far apart in memory; each cell then once in the
        # batch's own small table (in C; the order of the distinct values does not matter).
        distinct = list(set(values))
        known = list(map(cache.get, distinct))
        fresh = list(compress(distinct, map(is_, known, repeat(None))))
        # Most values are plain ASCII without a text marker: only the others are looked at,
        # and a batch of such values is told apart in C, in one pass over them all.
        joined = "\n" + "\n".join(filter(None, fresh))
        if "\n'" in joined or '\n="' in joined:
            odd = [i for i, v in enumerate(fresh) if v and (v[0] in "'=" or not v.isascii())]
        elif not joined.isascii():
            # the non-ASCII values' positions, found in C (str(None) is "None", ASCII)
            odd = list(compress(count(), map(not_, map(str.isascii, map(str, fresh)))))
        else:
            odd = []
        inputs = fresh.copy() if odd else fresh
        repaired: dict[int, str] = {}
        for i in odd:
            text = without_text_marker(fresh[i])
            meant = repaired_encoding(text)
            if meant is not None:
                repaired[i] = meant
            inputs[i] = meant if meant is not None else text
        if self._total is not None:
            found = self._total(inputs)
        else:
            found = [self._one(value) for value in inputs]
        for i, text in repaired.items():
            found[i] = _with_repair_noted(found[i], fresh[i] or "")
            if len(self.repaired) < 3:  # examples for the import's warning
                self.repaired.append((fresh[i] or "", text))
        self.repaired_count += len(repaired)
        # a value with Excel's text marker gets the verdict of the value after it (whose
        # raw is that value: the file's own cell stays in the import's row record)
        cache.update(zip(fresh, found, strict=True))
        self.checked += len(fresh)
        # (a verdict is a non-empty tuple: true; compress keeps the values found cached)
        batch = dict(zip(fresh, found, strict=True))
        batch.update(zip(compress(distinct, known), filter(None, known), strict=True))
        verdicts = list(map(batch.__getitem__, values))
        self.counts.update(map(_STATUS, verdicts))  # counted in C, a step per cell
        return verdicts

    def verdict(self, value: str | None) -> Verdict:
        """One value's verdict, not counted in :meth:`summary` (to weigh two readings
        of a row)."""
        found = self._cache.get(value)
        return found if found is not None else self._one(without_text_marker(value))

    def _one(self, value: str | None) -> Verdict:
        nothing = no_value(value, text_like=self._text_like)
        if nothing is not None:
            return nothing
        assert value is not None
        try:
            return self._check(value)
        except Exception as exc:  # a checker bug must not lose the row
            return Verdict.invalid(value, (f"could not be checked ({type(exc).__name__})",))

    def summary(self) -> dict[str, int]:
        """Cells per status, e.g. ``{"valid": 950, "warning": 30, "invalid": 20}``."""
        return {s.value: self.counts[s] for s in Status if self.counts[s]}
