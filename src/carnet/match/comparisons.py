"""The comparison library: how two records compare, field by field.

A comparison is an ordered list of :class:`Level` s; the first level whose
condition holds is the pair's level for that comparison, and each level has a
human label shown in every explanation. Levels are DuckDB SQL conditions on the
prepared columns of the left (``l``) and right (``r``) record (see
:mod:`carnet.match.records`). A pair where either side lacks the data falls in
the *null* level, which weighs 0.

Every comparison's docstring lists its levels with an example. Levels marked
*tf* are adjusted by term frequency: agreeing on a rare value ("Zerbib") weighs
more than agreeing on a common one ("Martin").

Comparisons marked *household* (last name, address, phone, e-mail) carry
evidence that members of one household share, and those marked *workplace*
(SIREN, address, a landline, a role mailbox) evidence that colleagues share; levels marked
*personal* (an e-mail, a mobile) are one person's. See the household and
workplace guards in :mod:`carnet.match.scoring`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

__all__ = [
    "BOTH_NAMES",
    "COMPARISON_TYPES",
    "OTHER_BIRTH_NAMES",
    "AddressComparison",
    "BirthDateComparison",
    "Comparison",
    "EmailComparison",
    "FirstNameComparison",
    "IdentifierComparison",
    "LastNameComparison",
    "Level",
    "NameComparison",
    "PhoneComparison",
    "SirenComparison",
    "comparison_from_dict",
    "default_person_comparisons",
]


#: The last-name level of two records that both give a married woman's married and birth
#: names, the same: ``Perrier née Chevalier`` ~ ``CHEVALIER ÉPOUSE PERRIER``.
BOTH_NAMES = "last name and birth name exact"
#: The last-name level of two married women of one married name and other birth names.
OTHER_BIRTH_NAMES = "last name exact, other birth names"


@dataclass(frozen=True)
class Level:
    """One level of a comparison.

    Attributes:
        label: human label, shown as-is ("email exact").
        sql: DuckDB condition on ``l.<col>`` and ``r.<col>``.
        m_prior: the m-probability used before any data is seen (and to smooth
            estimates of rare levels).
        tf_column: prepared column whose term frequency adjusts this level.
        disagreement: this is the comparison's "everything else" level.
        weak: a similarity too loose to tell a person from a relative
            (``Jean`` ~ ``Jeanne``); see the household guard.
        relatives: two names of their own that a family gives its members,
            such as a man's and a woman's form (``Louis`` ~ ``Louise``): the
            household guard treats them as different names.
        mirrors: index of the level whose weight this level takes (swapped
            names carry the same evidence as exact names, counted once each);
            negative counts from the end (-1: the "different" level).
        twice: the level weighs twice the level it ``mirrors`` (then its term
            frequency adjustment, once): two names agree, each as that level
            would (a married woman's married and birth names, both written in
            both records). Such pairs are too rare among the pairs EM trains
            on, and among random ones, for the level's own m and u to say more.
        at_least: index of a level this level never weighs less than (a
            diminutive, ``Cathy`` ~ ``Catherine``, says at least what the name
            written alike says; EM on a small file sees too few of them and
            may make them weigh less than a first name alone).
        partial: the level holds when one side lacks the value and other data
            stands in for it (a last name read in the other's e-mail). Such
            pairs are rarely in the pairs EM trains on, so their m is not
            estimated: the partial levels together get the same share of
            matching pairs as of random pairs (the value is missing at random),
            split between them by ``m_prior``.
        shared_count: prepared column counting the records that hold the
            agreeing value; a value held by ``n`` records weighs
            ``log2(n - 1)`` less (a family or company mailbox shared by five
            contacts says less than one address held by a person's two
            records). Used instead of a term frequency for identifiers, whose
            frequency in the table counts the person's own duplicates.
        personal: the level is one person's evidence, not what colleagues
            share (an e-mail, a mobile; not the switchboard): the workplace
            guard does not apply to a pair where such a level agrees.
        shared_value: prepared column (a narrow list of
            :data:`carnet.match.records.NARROW_LISTS`, or a value); every pair at
            this level holds a common value of it (an e-mail, a phone, a
            SIREN). Such a level is rare among random pairs, rarer than a
            sample of them can show at a million records: its u is bounded by
            the exact share of all pairs that hold a common value (see
            :func:`carnet.match.estimate.bound_u`). Not for values made of the
            names (an e-mail's local part alone): two Marie Martins share
            those far more often than two random people.
    """

    label: str
    sql: str
    m_prior: float
    tf_column: str | None = None
    disagreement: bool = False
    weak: bool = False
    relatives: bool = False
    mirrors: int | None = None
    twice: bool = False
    at_least: int | None = None
    partial: bool = False
    shared_count: str | None = None
    personal: bool = False
    shared_value: str | None = None


def _jw(col: str, threshold: float) -> str:
    # the third argument (score cutoff) lets DuckDB stop early on a pair
    # below it and give 0: the same test, a fifth faster
    return f"jaro_winkler_similarity(l.{col}, r.{col}, {threshold}) >= {threshold}"


def _in_email(side: str, other: str, key: str) -> str:
    """``other``'s name key (3+ letters) is spelt in one of ``side``'s e-mail local parts."""
    return (
        f"(length({other}.{key}) >= 3 AND (contains({side}.email_letters_1, {other}.{key}) "
        f"OR ({side}.email_letters_many IS NOT NULL AND list_bool_or(list_transform("
        f"{side}.email_letters_many, lambda x: contains(x, {other}.{key}))))))"
    )


def _name_in_email(key: str) -> str:
    return f"({_in_email('l', 'r', key)} OR {_in_email('r', 'l', key)})"


def _values(column: str) -> str:
    """Every value of a narrow list column (``l.emails``) as one list.

    See :data:`carnet.match.records.NARROW_LISTS`: ``<list>_1`` is the first
    value, ``<list>_many`` the whole list when there are several.
    """
    return f"coalesce({column}_many, list_value({column}_1))"


def _shares(left: str, right: str) -> str:
    """The narrow lists ``left`` and ``right`` (``l.emails``) have a value in common.

    Most records hold one value: their first values are compared, and only a
    pair where a side holds several compares the lists (``list_has_any``
    costs ten times an equality). The condition is NULL or false when a side
    has no value: the same in a level.
    """
    return (
        f"(CASE WHEN {left}_many IS NULL AND {right}_many IS NULL THEN {left}_1 = {right}_1 "
        f"ELSE list_has_any({_values(left)}, {_values(right)}) END)"
    )


#: The two records share an e-mail: the name read in it is not further evidence.
_SHARED_EMAIL = f"coalesce({_shares('l.emails_canon', 'r.emails_canon')}, false)"


#: Some e-mail of each side has the same part before its "@" (prepared
#: ``email_users``).
_SHARED_USER = _shares("l.email_users", "r.email_users")

_ONE_EMAIL_EACH = "l.emails_many IS NULL AND r.emails_many IS NULL"

#: Every e-mail the two records share (canonical) is a shared mailbox of one
#: side or the other (prepared ``emails_shared``: a role mailbox, ``contact@``,
#: or a primary e-mail several contacts hold, ``famille.dupont@``). Nearly every
#: record has none: the NULL test spares the lambda.
_ONLY_SHARED_MAILBOXES = (
    "((l.emails_shared IS NOT NULL OR r.emails_shared IS NOT NULL) AND NOT list_has_any("
    f"list_filter({_values('l.emails_canon')}, lambda x: "
    "(l.emails_shared IS NULL OR NOT list_contains(l.emails_shared, x)) "
    "AND (r.emails_shared IS NULL OR NOT list_contains(r.emails_shared, x))), "
    f"{_values('r.emails_canon')}))"
)

#: Any two e-mails: same part before the "@", lengths at most one apart, the
#: domains at most one edit or transposition apart. Only pairs sharing that
#: part (:data:`_SHARED_USER`) are compared: most pairs fail it, and the
#: lambdas over both lists cost more per pair than the whole test on the few
#: pairs left. Two records with one e-mail each, the usual case, compare them
#: without a lambda (their parts before the "@" are already known equal).
_DOMAIN_TYPO = (
    f"{_SHARED_USER} AND (("
    f"{_ONE_EMAIL_EACH} "
    "AND abs(length(l.emails_1) - length(r.emails_1)) <= 1 "
    "AND damerau_levenshtein(split_part(l.emails_1, '@', 2), "
    "split_part(r.emails_1, '@', 2)) <= 1) "
    f"OR (NOT ({_ONE_EMAIL_EACH}) AND "
    f"list_bool_or(list_transform({_values('l.emails')}, lambda a: "
    f"list_bool_or(list_transform({_values('r.emails')}, lambda b: "
    "CASE WHEN split_part(a, '@', 1) <> split_part(b, '@', 1) THEN false "
    "WHEN abs(length(a) - length(b)) > 1 THEN false "
    "ELSE damerau_levenshtein(split_part(a, '@', 2), split_part(b, '@', 2)) <= 1 "
    "END))))))"
)


def _one_slip(a: str, b: str) -> str:
    """``a`` and ``b`` differ by one letter added, dropped, changed or two swapped;
    four letters at least on both sides."""
    return f"(length({a}) >= 4 AND length({b}) >= 4 AND damerau_levenshtein({a}, {b}) <= 1)"


#: Names swapped between the two fields, as written or with one slip in one of the
#: two names: (Sophie, Joly) ~ (Joyl, Sophie). The file that swapped them was typed
#: by hand, where slips go too; both names must still cross over.
_SWAPPED = (
    "(l.fn = r.ln AND (l.ln = r.fn OR "
    + _one_slip("l.ln", "r.fn")
    + ")) OR (l.ln = r.fn AND "
    + _one_slip("l.fn", "r.ln")
    + ")"
)


#: A compound first name with an initial, the prepared ``fn_abbrev`` pattern (anchored), is the
#: other's: ``J.-Pierre`` ~ ``Jean-Pierre``, ``Jean-P.`` ~ ``Jean-Paul`` (nearly every
#: record has no pattern: the NULL test spares the regular expression).
_ABBREVIATED = (
    "((l.fn_abbrev IS NOT NULL AND regexp_matches(r.fn, l.fn_abbrev)) "
    "OR (r.fn_abbrev IS NOT NULL AND regexp_matches(l.fn, r.fn_abbrev)))"
)


def _first_name_typo(a: str, b: str) -> str:
    """``a`` and ``b`` (``<side>.fn``) are one first name, one of them mistyped.

    Not weak, unlike the phonetic and Jaro-Winkler levels: a typo does not
    make another person's name. One edit (Damerau-Levenshtein) lies between
    them, the first letter kept, four letters at least on both sides; one of
    the two must be no first name in its own right (``<col>_known``):
    ``Élise`` ~ ``Éloïse``, ``Malo`` ~ ``Milo`` or ``Carine`` ~ ``Corine`` are
    sisters' and brothers' names, ``Thiery`` is Thierry mistyped. Relatives'
    names differ at their end: an ``e``, ``a`` or ``o`` added there that the
    name did not end with (``Marin`` ~ ``Marine``, ``Brun`` ~ ``Bruno``) or a
    last vowel changed (``Mario`` ~ ``Maria``) is no typo; ``Sophiee`` and
    ``Élodei`` are. The rule of :func:`carnet.fields.name.is_first_name_typo`.
    """
    return (
        f"((NOT {a}_known OR NOT {b}_known) AND length({a}) >= 4 AND length({b}) >= 4 "
        f"AND left({a}, 1) = left({b}, 1) "
        f"AND damerau_levenshtein({a}, {b}) <= 1 "
        f"AND NOT {_gendered_ending(a, b)} AND NOT {_gendered_ending(b, a)})"
    )


def _gendered_ending(short: str, long: str) -> str:
    """``long`` is ``short`` with a man's or woman's ending (see :func:`_first_name_typo`)."""
    return (
        f"((length({long}) = length({short}) + 1 AND left({long}, length({short})) = {short} "
        f"AND right({long}, 1) IN ('e', 'a', 'o') AND right({short}, 1) <> right({long}, 1)) "
        f"OR (length({long}) = length({short}) "
        f"AND substr({long}, 1, length({long}) - 1) = substr({short}, 1, length({short}) - 1) "
        f"AND right({long}, 1) IN ('a', 'e', 'i', 'o') "
        f"AND right({short}, 1) IN ('a', 'e', 'i', 'o')))"
    )


def _relatives_names(a: str, b: str) -> str:
    """``a`` and ``b`` (``<side>.fn``) are two first names in their own right, a
    man's and a woman's form of one name: one is the other with one to three
    letters added (``Louis`` ~ ``Louise``, ``Julie`` ~ ``Julien``, ``Jean`` ~
    ``Jeanne``, ``Paul`` ~ ``Pauline``) or with another last vowel (``Mario`` ~
    ``Maria``). Twins are born the same day: the birth date does not tell them
    apart, only their own e-mail or mobile would join them."""

    def longer(short: str, long: str) -> str:
        return (
            f"(length({short}) >= 3 AND length({long}) - length({short}) BETWEEN 1 AND 3 "
            f"AND left({long}, length({short})) = {short})"
        )

    return (
        f"({a}_known AND {b}_known AND {a} <> {b} AND ({longer(a, b)} OR {longer(b, a)} "
        f"OR (length({a}) = length({b}) AND length({a}) >= 4 "
        f"AND substr({a}, 1, length({a}) - 1) = substr({b}, 1, length({b}) - 1) "
        f"AND right({a}, 1) IN ('a', 'e', 'i', 'o') AND right({b}, 1) IN ('a', 'e', 'i', 'o'))))"
    )


def _shortened(short: str, long: str) -> str:
    """``short`` (``<side>.<fn|ln>``) is ``long`` cut short: ``cam`` ~ ``camille``.

    The short form has 3+ letters and is no first name in its own right
    (``<col>_known``: ``paul`` ~ ``pauline`` and ``jean`` ~ ``jeannine`` may be
    a couple); at least two letters are cut, not at a word boundary
    (``jean`` ~ ``jean pierre`` is another compound name).
    """
    return (
        f"(NOT {short}_known AND length({short}) >= 3 "
        f"AND length({long}) >= length({short}) + 2 "
        f"AND left({long}, length({short})) = {short} "
        f"AND substr({long}, length({short}) + 1, 1) <> ' ')"
    )


def _first_names_agree(a: str, b: str) -> str:
    """Two name columns (``<side>.<fn|ln>``) agree as first names.

    The same name, a nickname of it (their name groups overlap) or a
    shortened form of it.
    """
    return (
        f"({a} = {b} OR {_shares(f'{a}_groups', f'{b}_groups')} "
        f"OR {_shortened(a, b)} OR {_shortened(b, a)})"
    )


def _swapped_on_one(first: str, other: str) -> str:
    """``first``'s names are swapped and ``other``'s are not.

    ``first``'s last-name field agrees, as a first name, with ``other``'s
    first name, and ``first``'s first-name field is ``other``'s last name
    -- or, when ``other`` has none, is spelt in ``other``'s e-mail:
    (Louis, Guigui) ~ (Guillaume, Louis), (Bernard, Dom) ~ (Dominique, -,
    ``dominiquebernard04@…``). Without that second half, (Julie, Thomas) ~
    (Thomas, -) would be a wife and her husband sharing the family mailbox.
    """
    # The cheap test of the second half comes first: it is false for nearly
    # every pair, so DuckDB (which evaluates AND terms on the rows still
    # true) rarely computes the name agreement. AND is commutative, also
    # with NULLs: the result is the same.
    return (
        f"({first}.ln IS NOT NULL AND {other}.fn IS NOT NULL "
        f"AND ({first}.fn = {other}.ln "
        f"OR ({other}.ln IS NULL AND {_in_email(other, first, 'fn_key')})) "
        f"AND {_first_names_agree(f'{first}.ln', f'{other}.fn')})"
    )


class Comparison:
    """Base class: a named, ordered list of levels over some input columns.

    Attributes:
        name: the comparison's name, used in output column names.
        inputs: the input columns it reads (blocking rules on them are not
            used to estimate its m-probabilities).
        household: whether a household commonly shares what it compares.
        workplace: whether colleagues commonly share what it compares (but
            its *personal* levels).
    """

    name: str = ""
    inputs: tuple[str, ...] = ()
    household: ClassVar[bool] = False
    workplace: ClassVar[bool] = False
    null_sql: str = "false"

    def __init__(self) -> None:
        self.levels: tuple[Level, ...] = ()

    @property
    def params(self) -> dict[str, Any]:
        """Constructor arguments (for JSON serialisation)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description: type and constructor arguments."""
        return {"type": type(self).__name__, "params": self.params}

    @property
    def labels(self) -> list[str]:
        """Level labels in order."""
        return [lvl.label for lvl in self.levels]

    @property
    def weak_indexes(self) -> list[int]:
        """Indexes of the weak levels."""
        return [i for i, lvl in enumerate(self.levels) if lvl.weak]

    @property
    def relatives_indexes(self) -> list[int]:
        """Indexes of the levels of relatives' names."""
        return [i for i, lvl in enumerate(self.levels) if lvl.relatives]

    @property
    def personal_indexes(self) -> list[int]:
        """Indexes of the personal levels."""
        return [i for i, lvl in enumerate(self.levels) if lvl.personal]

    @property
    def disagreement_index(self) -> int:
        """Index of the "everything else" level."""
        for i, lvl in enumerate(self.levels):
            if lvl.disagreement:
                return i
        return len(self.levels) - 1

    def gamma_sql(self) -> str:
        """SQL giving the level index (``-1`` for null) of a pair."""
        whens = " ".join(
            f"WHEN {lvl.sql} THEN {i}" for i, lvl in enumerate(self.levels) if not lvl.disagreement
        )
        return f"CASE WHEN {self.null_sql} THEN -1 {whens} ELSE {self.disagreement_index} END"

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Comparison) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))


class NameComparison(Comparison):
    """A name column (folded): exact, phonetic, Jaro-Winkler, else.

    Levels:

    * ``<name> exact`` (tf) — ``Dupont`` ~ ``DUPONT``
    * ``<name> phonetic`` — ``Dupont`` ~ ``Dupond``
    * ``<name> Jaro-Winkler >= 0.92`` — ``Bertrand`` ~ ``Bertarnd``
    * ``<name> Jaro-Winkler >= 0.88`` — ``Girard`` ~ ``Girardot``
    * ``<name> different`` — ``Dupont`` ~ ``Martin``

    Args:
        column: prepared name column (``fn`` or ``ln``).
        label: how the column is called in labels.
    """

    def __init__(self, column: str = "ln", label: str = "last name") -> None:
        super().__init__()
        self.column = column
        self.label = label
        self.name = label.replace(" ", "_")
        self.inputs = ("first_name",) if column == "fn" else ("last_name",)
        self.null_sql = f"l.{column} IS NULL OR r.{column} IS NULL"
        self.levels = self._levels()

    @property
    def params(self) -> dict[str, Any]:
        return {"column": self.column, "label": self.label}

    def _exact(self) -> list[Level]:
        c, lab = self.column, self.label
        return [Level(f"{lab} exact", f"l.{c} = r.{c}", 0.85, tf_column=c)]

    def _fuzzy(self) -> list[Level]:
        c, lab = self.column, self.label
        return [
            Level(f"{lab} phonetic", f"l.{c}_ph = r.{c}_ph", 0.04),
            Level(f"{lab} Jaro-Winkler >= 0.92", _jw(c, 0.92), 0.03),
            Level(f"{lab} Jaro-Winkler >= 0.88", _jw(c, 0.88), 0.02),
        ]

    def _levels(self) -> tuple[Level, ...]:
        return (
            *self._exact(),
            *self._fuzzy(),
            Level(f"{self.label} different", "true", 0.03, disagreement=True),
        )


class FirstNameComparison(NameComparison):
    """First name, aware of nicknames, initials and swapped names.

    Levels:

    * ``first name exact`` (tf) — ``Éloïse`` ~ ``ELOISE``
    * ``first name swapped with last name`` — (Martin, Nicolas) ~ (Nicolas, Martin),
      also with one slip in one of the names: (Sophie, Joly) ~ (Joyl, Sophie)
    * ``first name nickname`` (weighs at least as exact) — ``Cathy`` ~ ``Catherine``,
      ``JB`` ~ ``Jean-Baptiste``; a compound name with an initial, ``J.-Pierre`` or
      ``J.-P.`` ~ ``Jean-Pierre``
    * ``first name shortened`` (weighs as a nickname) — ``Cam`` ~ ``Camille``,
      ``Anne-So`` ~ ``Anne-Sophie``; not when the short form is a first name
      in its own right (``Paul`` ~ ``Pauline``, ``Jean`` ~ ``Jeannine``) or a
      whole part of a compound name (``Jean`` ~ ``Jean-Pierre``)
    * ``first name in the other's last-name field`` (weighs as a nickname) —
      names swapped on one record only: (Louis, Guigui) ~ (Guillaume, Louis),
      (Bernard, Dom) ~ (Dominique, no last name, ``dominiquebernard04@…``)
    * ``first name typo`` — ``Thiery`` ~ ``Thierry``, ``Isabele`` ~
      ``Isabelle``: one letter added, dropped, changed or swapped inside the
      name, where one of the two is no first name at all (see
      :func:`_first_name_typo`)
    * ``first name a relative's (a man's and a woman's form)`` — ``Louis`` ~
      ``Louise``, ``Julie`` ~ ``Julien``: two names in their own right (see
      :func:`_relatives_names`), weighing as different names; the household
      guard treats them as different too
    * ``first name phonetic`` (weak) — ``Mathieu`` ~ ``Matthieu``
    * ``first name Jaro-Winkler >= 0.92`` (weak) — ``Christelle`` ~ ``Christel``
    * ``first name Jaro-Winkler >= 0.88`` (weak) — ``Christophe`` ~ ``Christopher``
    * ``first name initial`` (weak) — ``J`` ~ ``Jean``
    * ``first name found in the other's e-mail`` (tf, partial) — no first
      name ~ ``Luc`` when the e-mail is ``luc.gaudin@…``
    * ``no first name, not in the other's e-mail`` (partial)
    * ``first name different`` — ``Nicolas`` ~ ``Julie``

    *Weak* levels are similarities that also hold between relatives
    (``Jean`` ~ ``Jeanne`` is phonetic and Jaro-Winkler 0.93): with no birth
    date agreement they trigger the household guard like a disagreement.
    A record without a first name is compared through its e-mail local parts
    (newsletter lists often hold nothing else); the pair is *missing* only
    when that side has no personal e-mail either, or both lack the name.
    """

    household: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__("fn", "first name")
        self.inputs = ("first_name", "last_name", "email")
        self.name = "first_name"
        self.null_sql = (
            "(l.fn IS NULL AND r.fn IS NULL) "
            "OR (l.fn IS NULL AND l.email_letters_1 IS NULL) "
            "OR (r.fn IS NULL AND r.email_letters_1 IS NULL) "
            f"OR ((l.fn IS NULL OR r.fn IS NULL) AND {_SHARED_EMAIL})"
        )

    @property
    def params(self) -> dict[str, Any]:
        return {}

    def _levels(self) -> tuple[Level, ...]:
        levels = self._first_name_levels()
        # relatives' names weigh as different names: each is a name in its own right
        # (EM, which sees twins and typos alike, would make Louis ~ Louise count for)
        different = len(levels) - 1
        return tuple(replace(lvl, mirrors=different) if lvl.relatives else lvl for lvl in levels)

    def _first_name_levels(self) -> tuple[Level, ...]:
        return (
            *self._exact(),
            Level(
                "first name swapped with last name",
                _SWAPPED,
                0.01,
                tf_column="fn",
                mirrors=0,
            ),
            Level(
                "first name nickname",
                f"{_shares('l.fn_groups', 'r.fn_groups')} OR {_ABBREVIATED}",
                0.02,
                at_least=0,
            ),
            Level(
                "first name shortened",
                f"{_shortened('l.fn', 'r.fn')} OR {_shortened('r.fn', 'l.fn')}",
                0.01,
                mirrors=2,
                at_least=0,
            ),
            Level(
                "first name in the other's last-name field",
                f"{_swapped_on_one('l', 'r')} OR {_swapped_on_one('r', 'l')}",
                0.01,
                mirrors=2,
                at_least=0,
            ),
            Level("first name typo", _first_name_typo("l.fn", "r.fn"), 0.02),
            Level(
                "first name a relative's (a man's and a woman's form)",
                _relatives_names("l.fn", "r.fn"),
                0.005,
                relatives=True,
            ),
            *(replace(lvl, weak=True) for lvl in self._fuzzy()),
            Level(
                "first name initial",
                "(length(l.fn) = 1 OR length(r.fn) = 1) AND l.fn_initial = r.fn_initial",
                0.01,
                weak=True,
            ),
            Level(
                "first name found in the other's e-mail",
                f"(l.fn IS NULL OR r.fn IS NULL) AND {_name_in_email('fn_key')}",
                0.6,
                tf_column="fn",
                partial=True,
            ),
            Level(
                "no first name, not in the other's e-mail",
                "l.fn IS NULL OR r.fn IS NULL",
                0.4,
                partial=True,
            ),
            Level("first name different", "true", 0.03, disagreement=True),
        )


class LastNameComparison(NameComparison):
    """Last name, aware of swapped names and compound (married) names.

    Levels:

    * ``last name and birth name exact`` — ``Perrier née Chevalier`` ~
      ``CHEVALIER ÉPOUSE PERRIER``: a married woman's two names, both written in
      both records, which two women of one first name seldom share: weighs as
      two exact last names (the married name's term frequency counted once)
    * ``last name exact, other birth names`` (weighs as different) — ``Perrier
      née Chevalier`` ~ ``Perrier née Martin``: two women married into one family
      (a birth name does not change; one mistyped, ``Chevallier``, is no other)
    * ``last name exact`` (tf) — ``Le Gall`` ~ ``LE GALL``
    * ``last name swapped with first name`` — (Martin, Nicolas) ~ (Nicolas, Martin),
      also with one slip in one of the names (see ``first name swapped with last name``)
    * ``last name in the other's first-name field`` (tf) — names swapped on
      one record only: (Louis, Guigui) ~ (Guillaume, Louis)
    * ``last name is the other's birth name`` (tf; weighs as exact) —
      ``Martin`` ~ ``Durand`` born ``Martin`` (a maiden name in one file, the
      married name and the birth name in another)
    * ``last name phonetic`` — ``Lefebvre`` ~ ``Lefèvre``
    * ``last name Jaro-Winkler >= 0.92`` — ``Bertrand`` ~ ``Bertarnd``
    * ``last name Jaro-Winkler >= 0.88`` — ``Girard`` ~ ``Girardot``
    * ``last name shares a word`` — ``Martin`` ~ ``Martin-Dupont``
    * ``last name found in the other's e-mail`` (tf, partial) — no last name
      and ``thomas.lefevre1984@…`` or ``tlefevre@…`` ~ ``Lefèvre``; also a
      married name ~ the birth name its e-mail kept (``Marie Jourdan``,
      ``marie.lemoal@…`` ~ ``Marie Le Moal``)
    * ``no last name, not in the other's e-mail`` (partial)
    * ``last name different`` — ``Dupont`` ~ ``Martin`` (maiden vs married name)

    A record without a last name (a newsletter or survey row) is compared
    through its e-mail local parts; the pair is *missing* when that side has
    no personal e-mail either, when neither record has a last name (two
    newsletter rows: the e-mail comparison says what their addresses share),
    or when the two records share an e-mail (the e-mail comparison already
    counts it).
    """

    household: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__("ln", "last name")
        self.inputs = ("last_name", "first_name", "email", "birth_name")
        self.name = "last_name"
        self.null_sql = (
            "(l.ln IS NULL AND r.ln IS NULL) "
            "OR (l.ln IS NULL AND l.email_letters_1 IS NULL) "
            "OR (r.ln IS NULL AND r.email_letters_1 IS NULL) "
            f"OR ((l.ln IS NULL OR r.ln IS NULL) AND {_SHARED_EMAIL})"
        )

    @property
    def params(self) -> dict[str, Any]:
        return {}

    def _levels(self) -> tuple[Level, ...]:
        return (
            Level(
                BOTH_NAMES,
                "l.bn IS NOT NULL AND l.ln = r.ln AND l.bn = r.bn",
                0.005,
                tf_column="ln",
                mirrors=2,
                twice=True,
            ),
            Level(
                OTHER_BIRTH_NAMES,
                "l.ln = r.ln AND l.bn <> r.bn "
                f"AND NOT ({_jw('bn', 0.88)})",
                0.002,
                mirrors=-1,
            ),
            *self._exact(),
            Level(
                "last name swapped with first name",
                _SWAPPED,
                0.01,
                tf_column="ln",
                mirrors=2,
            ),
            Level(
                "last name in the other's first-name field",
                f"(r.ln IS NOT NULL AND {_swapped_on_one('l', 'r')}) "
                f"OR (l.ln IS NOT NULL AND {_swapped_on_one('r', 'l')})",
                0.01,
                tf_column="ln",
                mirrors=2,
            ),
            Level(
                "last name is the other's birth name",
                "l.ln = r.bn OR r.ln = l.bn",
                0.01,
                tf_column="ln",
                mirrors=2,
            ),
            *self._fuzzy(),
            Level(
                "last name shares a word",
                _shares("l.ln_tokens", "r.ln_tokens"),
                0.02,
            ),
            Level(
                "last name found in the other's e-mail",
                f"NOT {_SHARED_EMAIL} AND {_name_in_email('ln_key')}",
                0.55,
                tf_column="ln",
                partial=True,
            ),
            Level(
                "no last name, not in the other's e-mail",
                "l.ln IS NULL OR r.ln IS NULL",
                0.3,
                partial=True,
            ),
            Level("last name different", "true", 0.05, disagreement=True),
        )


class EmailComparison(Comparison):
    """E-mail addresses (ANY of each side's e-mails may agree).

    Levels:

    * ``email exact`` — ``jean.dupont@gmail.com`` ~ ``jean.dupont@gmail.com``
      (weighing ``log2(n - 1)`` less when ``n`` records hold the primary
      e-mail); not when every e-mail they share is a shared mailbox (next level)
    * ``email exact, a shared mailbox`` (weighs as exact, but is not one
      person's: household and workplace evidence) — ``contact@acme.fr`` ~
      ``contact@acme.fr`` (a role mailbox), ``famille.dupont@free.fr`` held by
      three contacts or more (a family's)
    * ``email exact once its missing @ is put back`` (weighs as exact: one
      mailbox, typed badly once) — ``gerard.laurentorange.fr`` (invalid as
      typed) ~ ``gerard.laurent@orange.fr``
    * ``email canonical`` (weighs as exact: one mailbox) —
      ``jean.dupont+promo@gmail.com`` ~ ``jeandupont@googlemail.com``
    * ``email domain typo`` — ``mfernandes@orange.fr`` ~ ``mfernandes@ornage.fr``,
      ``claire.pinto@gmail.co`` (any two e-mails: same local part, the domains
      one edit or transposition apart; a one-character difference in the local
      part is not a typo: ``marie.martin12`` and ``marie.martin13`` are two
      people)
    * ``email same local part, other domain`` — ``jdupont77@orange.fr`` ~
      ``jdupont77@free.fr`` (only local parts with a digit: ``philippe.moreau``
      is shared by every Philippe Moreau, so it says nothing beyond the names);
      any local part at two domains of one provider, renamed with its history
      (:data:`carnet.match.records.PROVIDER_RENAMES`): ``jerome.guerin@wanadoo.fr``
      ~ ``jerome.guerin@orange.fr``, ``carpentierc@neuf.fr`` ~ ``carpentierc@sfr.fr``
    * ``email different`` — ``jdupont@orange.fr`` ~ ``marie.d@free.fr``
    """

    household: ClassVar[bool] = True
    # a shared mailbox (contact@) is what colleagues share; the other levels that
    # agree are personal, which the workplace guard leaves alone
    workplace: ClassVar[bool] = True
    name = "email"
    inputs = ("email",)
    null_sql = "l.emails_canon_1 IS NULL OR r.emails_canon_1 IS NULL"

    def __init__(self) -> None:
        super().__init__()
        self.levels = (
            Level(
                "email exact",
                f"{_shares('l.emails', 'r.emails')} AND NOT {_ONLY_SHARED_MAILBOXES}",
                0.6,
                shared_count="email_n",
                personal=True,
                shared_value="emails",
            ),
            Level(
                # the e-mails they share are a team's or a family's (contact@,
                # famille.dupont@): as strong a link, but not one person's
                "email exact, a shared mailbox",
                _shares("l.emails", "r.emails"),
                0.02,
                mirrors=0,
                shared_count="email_n",
                shared_value="emails",
            ),
            Level(
                "email exact once its missing @ is put back",
                # nearly every record has no restored e-mail: the NULL test
                # spares list_has_any, which costs as much on a NULL list
                "(l.emails_fixed_1 IS NOT NULL "
                f"AND list_has_any({_values('l.emails_fixed')}, {_values('r.emails_canon')})) "
                "OR (r.emails_fixed_1 IS NOT NULL "
                f"AND list_has_any({_values('r.emails_fixed')}, {_values('l.emails_canon')}))",
                0.01,
                mirrors=0,
                personal=True,
            ),
            Level(
                "email canonical",
                _shares("l.emails_canon", "r.emails_canon"),
                0.05,
                # Gmail ignores dots and everyone the "+tag": the same mailbox, though
                # rarer among matches than an exact address, which EM reads as weaker
                mirrors=0,
                personal=True,
                shared_value="emails_canon",
            ),
            Level(
                "email domain typo",
                _DOMAIN_TYPO,
                0.03,
                personal=True,
                # every pair at this level shares an e-mail's user part
                shared_value="email_users",
            ),
            Level(
                "email same local part, other domain",
                _shares("l.email_locals", "r.email_locals"),
                0.05,
            ),
            Level("email different", "true", 0.3, disagreement=True),
        )


class PhoneComparison(Comparison):
    """Phone numbers in E.164 (ANY of each side's phones may agree).

    Levels:

    * ``phone exact, a mobile`` — ``+33612345678`` ~ ``+33612345678``
    * ``phone exact`` — a landline (``+33143000000``), which the household
      shares: it says less than a mobile, one person's
    * ``phone last 8 digits`` — ``+33612345678`` ~ ``+33712345678``
    * ``phone different`` — ``+33612345678`` ~ ``+33698765432``

    A landline is also what colleagues share (the switchboard): all levels but
    the mobile one (personal) are workplace evidence.
    """

    household: ClassVar[bool] = True
    workplace: ClassVar[bool] = True
    name = "phone"
    inputs = ("phone",)
    null_sql = "l.phones_1 IS NULL OR r.phones_1 IS NULL"

    def __init__(self) -> None:
        super().__init__()
        self.levels = (
            Level(
                "phone exact, a mobile",
                _shares("l.mobiles", "r.mobiles"),
                0.5,
                personal=True,
                shared_value="mobiles",
            ),
            Level("phone exact", _shares("l.phones", "r.phones"), 0.1, shared_value="phones"),
            Level("phone last 8 digits", _shares("l.phones8", "r.phones8"), 0.03),
            Level("phone different", "true", 0.35, disagreement=True),
        )


class BirthDateComparison(Comparison):
    """Birth date (ISO ``yyyy-mm-dd``).

    Levels:

    * ``birth date exact`` — ``1980-03-04`` ~ ``1980-03-04``
    * ``birth date day/month swapped`` — ``1980-03-04`` ~ ``1980-04-03``
    * ``birth date one typo`` — ``1980-03-04`` ~ ``1980-03-14`` (one character
      edited or two adjacent ones transposed)
    * ``birth date same year`` — ``1980-03-04`` ~ ``1980-11-23``
    * ``birth date different`` — ``1980-03-04`` ~ ``1975-06-30``
    """

    name = "birth_date"
    inputs = ("birth_date",)
    null_sql = "l.dob IS NULL OR r.dob IS NULL"

    def __init__(self) -> None:
        super().__init__()
        self.levels = (
            Level("birth date exact", "l.dob = r.dob", 0.85),
            Level("birth date day/month swapped", "l.dob_swap = r.dob", 0.02),
            Level(
                "birth date one typo",
                # hamming first: the Damerau distance is slow and rarely needed
                "CASE WHEN hamming(l.dob, r.dob) <= 2 "
                "THEN damerau_levenshtein(l.dob, r.dob) <= 1 ELSE false END",
                0.06,
            ),
            Level("birth date same year", "l.dob_year = r.dob_year", 0.02),
            Level("birth date different", "true", 0.05, disagreement=True),
        )


class AddressComparison(Comparison):
    """Postal address: postcode, street line and city (all folded).

    Levels:

    * ``address exact`` — (75011, ``12 rue Oberkampf``) ~ (75011, ``12, Rue Oberkampf``)
    * ``address same postcode, similar street`` — ``12 rue Oberkampf`` ~
      ``12 r Oberkampf`` (Jaro-Winkler >= 0.88)
    * ``address same postcode`` (tf) — 75011 ~ 75011, other street
    * ``address same city`` — Lyon 69003 ~ Lyon 69007
    * ``address different`` — Paris ~ Lille (people move: a weak signal)

    For a B2B contact the address is often the company's: workplace evidence.
    """

    household: ClassVar[bool] = True
    workplace: ClassVar[bool] = True
    name = "address"
    inputs = ("postcode", "city", "street")
    null_sql = "(l.postcode IS NULL AND l.city IS NULL) OR (r.postcode IS NULL AND r.city IS NULL)"

    def __init__(self) -> None:
        super().__init__()
        self.levels = (
            Level("address exact", "l.postcode = r.postcode AND l.street = r.street", 0.5),
            Level(
                "address same postcode, similar street",
                "l.postcode = r.postcode AND " + _jw("street", 0.88),
                0.1,
            ),
            Level("address same postcode", "l.postcode = r.postcode", 0.1, tf_column="postcode"),
            Level("address same city", "l.city = r.city", 0.05),
            Level("address different", "true", 0.25, disagreement=True),
        )


class SirenComparison(Comparison):
    """SIREN of the contact's company (B2B).

    Levels:

    * ``SIREN exact`` — ``732829320`` ~ ``732 829 320``
    * ``SIREN different`` — ``732829320`` ~ ``552100554``

    Colleagues share it: workplace evidence.
    """

    workplace: ClassVar[bool] = True
    name = "siren"
    inputs = ("siren",)
    null_sql = "l.siren IS NULL OR r.siren IS NULL"

    def __init__(self) -> None:
        super().__init__()
        self.levels = (
            Level("SIREN exact", "l.siren = r.siren", 0.8, shared_value="siren"),
            Level("SIREN different", "true", 0.2, disagreement=True),
        )


class IdentifierComparison(Comparison):
    """An extra identifier column (``loyalty_id``, a customer number...).

    Levels:

    * ``<column> exact`` — ``FID-00123`` ~ ``fid-00123``
    * ``<column> one edit`` (when ``max_edits >= 1``) — ``4314184`` ~ ``4341184``
    * ``<column> two edits`` (when ``max_edits >= 2``) — ``4314184`` ~ ``4341185``
    * ``<column> different`` — ``FID-00123`` ~ ``FID-98765``

    Args:
        column: the input column.
        max_edits: 0, 1 or 2 Damerau-Levenshtein edits still count as near.
    """

    def __init__(self, column: str, max_edits: int = 0) -> None:
        super().__init__()
        self.column = column
        self.max_edits = max_edits
        self.name = column
        self.inputs = (column,)
        c = f"id_{column}"
        self.null_sql = f"l.{c} IS NULL OR r.{c} IS NULL"
        levels = [Level(f"{column} exact", f"l.{c} = r.{c}", 0.8)]
        for k, word in ((1, "one edit"), (2, "two edits")):
            if max_edits >= k:
                # cheap gates first: the Damerau distance is slow
                sql = (
                    f"CASE WHEN abs(length(l.{c}) - length(r.{c})) > {k} THEN false "
                    f"WHEN levenshtein(l.{c}, r.{c}) > {2 * k} THEN false "
                    f"ELSE damerau_levenshtein(l.{c}, r.{c}) <= {k} END"
                )
                levels.append(Level(f"{column} {word}", sql, 0.05))
        levels.append(Level(f"{column} different", "true", 0.1, disagreement=True))
        self.levels = tuple(levels)

    @property
    def params(self) -> dict[str, Any]:
        return {"column": self.column, "max_edits": self.max_edits}


COMPARISON_TYPES: dict[str, type[Comparison]] = {
    cls.__name__: cls
    for cls in (
        NameComparison,
        FirstNameComparison,
        LastNameComparison,
        EmailComparison,
        PhoneComparison,
        BirthDateComparison,
        AddressComparison,
        SirenComparison,
        IdentifierComparison,
    )
}


def comparison_from_dict(data: dict[str, Any]) -> Comparison:
    """Rebuild a comparison from :meth:`Comparison.to_dict` output."""
    cls = COMPARISON_TYPES[data["type"]]
    return cls(**data.get("params", {}))


def default_person_comparisons() -> tuple[Comparison, ...]:
    """The comparisons for French person records.

    First name, last name, birth date, e-mail, phone, address and SIREN.
    """
    return (
        FirstNameComparison(),
        LastNameComparison(),
        BirthDateComparison(),
        EmailComparison(),
        PhoneComparison(),
        AddressComparison(),
        SirenComparison(),
    )
