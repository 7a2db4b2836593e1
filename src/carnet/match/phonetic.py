"""Accent and case folding, and a French phonetic key.

Folding (:func:`fold`) lower-cases, strips accents (``é`` → ``e``), expands
ligatures (``œ`` → ``oe``, ``æ`` → ``ae``, ``ß`` → ``ss``), turns hyphens,
apostrophes and other punctuation into single spaces and trims::

    >>> fold("  Jean-Baptiste LE GOFF ")
    'jean baptiste le goff'
    >>> fold("Éloïse") == fold("ELOISE")
    True

The phonetic key (:func:`french_phonetic`) is carnet's own French adaptation of
the Soundex/Metaphone family, in the spirit of *Phonex* (Frédéric Brouard):
ordered rewrite rules on the folded name, spaces removed, that bring together
spellings a French speaker pronounces alike:

* ``ph`` → ``f``, ``ch``/``sch`` → ``x``, ``qu``/``q``/hard ``c`` → ``k``,
  soft ``c`` → ``s``, soft ``g`` → ``j``, ``gu`` before e/i/y → ``g``,
  ``gn`` → ``n``, ``th`` → ``t``, ``w`` → ``v``, ``y`` → ``i``, silent ``h``;
* ``eau``/``au`` → ``o``, ``ou`` → ``u``, ``ai``/``ei`` → ``e``;
  nasals ``ain``/``ein``/``aim`` → ``in``, ``an``/``en``/``am``/``em`` → ``an``
  when followed by a consonant or the end;
* a single ``s`` between vowels sounds ``z``; doubled letters collapse;
* a final mute ``e`` and then a final ``s``, ``x``, ``t`` or ``d`` are dropped;
* vowel runs are reduced to ``o`` (when they hold an o or u) or ``a``.

Examples::

    >>> french_phonetic("Lefebvre") == french_phonetic("Lefèvre")
    True
    >>> french_phonetic("Dupont") == french_phonetic("Dupond")
    True
    >>> french_phonetic("Philippe") == french_phonetic("Filip")
    True
    >>> french_phonetic("Catherine") == french_phonetic("Katherine")
    True
    >>> french_phonetic("Martin") == french_phonetic("Martinez")
    False

The same rules run as a Polars expression (:func:`french_phonetic_expr`), so a
whole column is keyed without a Python loop; :func:`french_phonetic` applies
them one value at a time with :mod:`re` for tests and explanations.
"""

from __future__ import annotations

import re
import string

import polars as pl

__all__ = ["fold", "fold_expr", "french_phonetic", "french_phonetic_expr"]

_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}

# (pattern, replacement) in Rust regex syntax (Polars); ``${n}`` is a group.
# Upper-case letters are temporary markers: folded input is lower case only.
_RULES: tuple[tuple[str, str], ...] = (
    ("ph", "f"),
    ("bv", "v"),
    ("sch", "x"),
    ("ch", "x"),
    ("gu([eiy])", "G${1}"),
    ("qu", "k"),
    ("q", "k"),
    ("ck", "k"),
    ("c([eiy])", "s${1}"),
    ("c", "k"),
    ("g([eiy])", "j${1}"),
    ("G", "g"),
    ("gn", "n"),
    ("eau", "o"),
    ("au", "o"),
    ("(?:ain|ein|aim|eim)([^aeiouy]|$)", "in${1}"),
    ("[ae][nm]([^aeiouynm]|$)", "an${1}"),
    ("ou", "u"),
    ("[ae]i", "e"),
    ("y", "i"),
    ("w", "v"),
    ("th", "t"),
    ("h", ""),
    ("ss+", "S"),
    ("([aeiou])s([aeiou])", "${1}z${2}"),
    ("S", "s"),
    *((f"{c}{c}+", c) for c in string.ascii_lowercase),
    ("e$", ""),
    ("[sxtd]$", ""),
    ("[aei]*[ou][aeiou]*", "o"),
    ("[aei]+", "a"),
)

_PY_RULES = tuple((re.compile(p), re.sub(r"\$\{(\d)\}", r"\\\1", r)) for p, r in _RULES)


def fold(value: str | None) -> str | None:
    """Fold case and accents and normalise separators.

    Args:
        value: any text, or None.

    Returns:
        The folded text, or None when nothing is left.
    """
    if value is None:
        return None
    import unicodedata

    text = value.lower()
    for lig, rep in _LIGATURES.items():
        text = text.replace(lig, rep)
    text = unicodedata.normalize("NFKD", text)
    # Every mark (category M, as Polars' \p{M}), not only those with a combining
    # class: variation selectors and spacing marks go too.
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("M"))
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return text or None


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """The Polars twin of :func:`fold` (same output on every value)."""
    out = expr.str.to_lowercase()
    for lig, rep in _LIGATURES.items():
        out = out.str.replace_all(lig, rep, literal=True)
    out = (
        out.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[^0-9a-z]+", " ")
        .str.strip_chars()
    )
    return pl.when(out == "").then(None).otherwise(out)


def french_phonetic(value: str | None) -> str | None:
    """French phonetic key of a name (see the module docstring).

    Args:
        value: a name, raw or folded.

    Returns:
        The key (lower-case letters), or None for an empty name.
    """
    folded = fold(value)
    if folded is None:
        return None
    text = re.sub(r"[^a-z]", "", folded)
    for pattern, repl in _PY_RULES:
        text = pattern.sub(repl, text)
    return text or None


def french_phonetic_expr(expr: pl.Expr) -> pl.Expr:
    """The Polars twin of :func:`french_phonetic`, for a column of folded names."""
    out = expr.str.replace_all(r"[^a-z]", "")
    for pattern, repl in _RULES:
        out = out.str.replace_all(pattern, repl)
    return pl.when(out == "").then(None).otherwise(out)
