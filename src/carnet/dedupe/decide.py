"""From scored pairs to decisions: merge clusters, review queue, distinct.

Pure functions over Polars frames, so the rules are tested without a database:

- pairs at or above the auto threshold join clusters, strongest first; a pair
  that would put two contacts someone said were different in one cluster goes
  to review instead (so A=B, B=C never drags in a rejected A≠C);
- pairs between the thresholds go to review, unless their two contacts end up
  in the same cluster anyway;
- pairs a person rejected are never proposed again;
- two contacts whose birth dates tell them apart (a generation apart: a father
  and his son of one name, at one address) are never put in one cluster through
  a contact that has no birth date, unless they were scored a candidate pair
  themselves: that contact, as like the one as the other, goes to review with
  both. A pair of two dated contacts scored above the auto threshold despite
  their birth dates (one e-mail, one mobile: a birth date mistyped) still
  merges, and dates closer than a generation may be one person's, mistyped
  (FEBRL3's records carry such typos: the rule as first written cost 4 points
  of recall there, none now);
- a pair that agrees on names only -- every comparison but the first and last
  names weighs 0 or less (other e-mail, phone and address, or none known) --
  is never merged automatically, whatever its probability: it goes to review.
  Measured on French files and on the demo generator's, such merges were
  right 14 times out of 20 where the threshold promises 9 out of 10: "Jean-
  Pierre Dupont" in Paris and in Nantes may be two men, and a tiny workspace
  estimates a prior so high that two common names alone pass the threshold;
- a pair whose two contacts each hold a mobile, none in common, and that
  neither the birth dates nor an e-mail tie together (a shared mailbox does
  not) is never merged automatically either: it goes to review. A mobile is
  one person's and kept for years; what else such a pair shares -- a name, a
  home and its landline, a company -- a father and his son of one name, or
  two colleagues, share too;
- a pair of *look-alikes* (:func:`look_alike`) is never merged automatically
  either when nothing of one person's (an e-mail of their own, a mobile) ties
  it: a man and a woman by their civilities (M. and Mme Dominique Petit at one
  address), other last names with only a place in common (two Christophes of
  one office, its address and switchboard, where no SIREN says it is a
  company), or first names only alike born the same day (the twins Jules and
  Julia), or one first name men and women both bear and no civility to tell them
  apart (Dominique and Dominique Collet at one address). What such pairs share is
  what a couple, colleagues or twins share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Self

import polars as pl

from carnet.match.comparisons import (
    BOTH_NAMES,
    OTHER_BIRTH_NAMES,
    BirthDateComparison,
    Comparison,
    EmailComparison,
    FirstNameComparison,
    IdentifierComparison,
    LastNameComparison,
    PhoneComparison,
    SirenComparison,
)
from carnet.match.phonetic import fold
from carnet.match.records import is_mobile_expr

__all__ = [
    "LOOK_ALIKES",
    "NAMES_ONLY",
    "OWN_MOBILES",
    "UNISEX_FIRST_NAMES",
    "Decisions",
    "LookAlikeLevels",
    "beyond_names",
    "born_apart",
    "contact_mobiles",
    "decide",
    "describe_evidence",
    "is_unisex_first_name",
    "look_alike",
    "names_only",
    "own_mobiles",
    "personal_levels",
    "top_reasons",
    "unisex_contacts",
]

#: What a pair whose only evidence is its names is told (pairs file, review, summary).
NAMES_ONLY = "agree on names only: to review"

#: What a pair of two contacts with mobiles of their own is told (see :func:`own_mobiles`).
OWN_MOBILES = "each has a mobile of their own: to review"

#: What a pair of look-alikes is told, before its reason (see :func:`look_alike`).
LOOK_ALIKES = "look-alikes, nothing of one person's in common: to review"

Pair = tuple[int, int]

#: First names (folded) that French men and women both bear: two contacts of one such
#: name at one address may be a couple (M. and Mme Dominique Petit) when no civility
#: tells them apart.
UNISEX_FIRST_NAMES: frozenset[str] = frozenset(
    {
        "alix",
        "andrea",
        "ange",
        "camille",
        "charlie",
        "claude",
        "dominique",
        "eden",
        "kim",
        "lou",
        "morgan",
        "noa",
        "sacha",
        "sasha",
        "yannick",
    }
)


@dataclass
class Decisions:
    """The outcome of :func:`decide`.

    Attributes:
        clusters: groups of contact ids to merge (each sorted; the first survives).
        merge_pairs: the pairs behind the clusters (``record_id_l/_r``, probability ...).
        review: pairs for a person to look at.
        skipped_rejected: pairs not proposed because a person rejected them.
        demoted: auto pairs sent to review because of a rejected pair.
        names_only: auto pairs sent to review because they agree on names only.
        own_mobiles: auto pairs sent to review because each contact has a mobile of
            their own (:func:`own_mobiles`); ``own_mobile_pairs`` the ``(lo, hi)`` of them.
        look_alikes: auto pairs sent to review as look-alikes (:func:`look_alike`);
            ``look_alike_pairs`` the ``(lo, hi)`` of them -> the reason.
    """

    clusters: list[list[int]] = field(default_factory=list)
    merge_pairs: pl.DataFrame = field(default_factory=pl.DataFrame)
    review: pl.DataFrame = field(default_factory=pl.DataFrame)
    skipped_rejected: int = 0
    demoted: int = 0
    names_only: int = 0
    own_mobiles: int = 0
    own_mobile_pairs: frozenset[Pair] = frozenset()
    look_alikes: int = 0
    look_alike_pairs: Mapping[Pair, str] = field(default_factory=dict)


def beyond_names(comparisons: Iterable[Comparison]) -> tuple[str, ...]:
    """The names of the comparisons other than the first and last names: the evidence
    that can tell a person from a namesake."""
    return tuple(
        c.name for c in comparisons if not isinstance(c, FirstNameComparison | LastNameComparison)
    )


def names_only(explanation: Iterable[tuple[str, str, float]], others: Iterable[str]) -> bool:
    """Nothing but the names speaks for a pair: each comparison of ``others`` (see
    :func:`beyond_names`) weighs 0 or less in its explanation.

    >>> dupont = [("prior", "", -1.0), ("first_name", "exact", 5.9), ("email", "other", -1.5)]
    >>> names_only(dupont, ["email", "phone"])
    True
    >>> names_only([("first_name", "exact", 5.9), ("phone", "exact", 4.0)], ["email", "phone"])
    False

    Nor is a married woman's two names, both given alike on both records (the level
    :data:`carnet.match.comparisons.BOTH_NAMES`: ``Perrier née Chevalier`` twice): two
    women of one first name seldom share a birth name and a married name.

    >>> perrier = [("first_name", "first name exact", 6.0),
    ...            ("last_name", "last name and birth name exact", 16.1)]
    >>> names_only(perrier, ["email", "phone"])
    False
    """
    wanted = set(others)
    seen = list(explanation)
    if any(level == BOTH_NAMES for _name, level, _weight in seen):
        return False
    return all(weight <= 0 for name, _level, weight in seen if name in wanted)


def personal_levels(comparisons: Iterable[Comparison]) -> frozenset[str]:
    """The labels of the levels that are one person's evidence (an e-mail, a mobile:
    :attr:`carnet.match.comparisons.Level.personal`), not a household's or a company's."""
    return frozenset(lvl.label for c in comparisons for lvl in c.levels if lvl.personal)


def own_mobiles(
    mobiles_l: Collection[str],
    mobiles_r: Collection[str],
    birth_l: str | None,
    birth_r: str | None,
    levels: Iterable[str],
    personal: Collection[str],
) -> bool:
    """Two contacts with a mobile each, none in common, that neither the same birth
    date nor a personal level (``levels`` of the pair: an e-mail) ties together.

    >>> own_mobiles({"+33650537502"}, {"+33669577862"}, "1984-09-17", None,
    ...             ["address exact", "email different"], {"email exact"})
    True
    >>> own_mobiles({"+33650537502"}, {"+33669577862"}, "1984-09-17", "1984-09-17",
    ...             ["address exact"], {"email exact"})
    False
    >>> own_mobiles({"+33650537502"}, {"+33669577862"}, None, None,
    ...             ["email exact"], {"email exact"})
    False
    """
    if not mobiles_l or not mobiles_r or set(mobiles_l) & set(mobiles_r):
        return False
    if birth_l and birth_l == birth_r:
        return False
    return not any(level in personal for level in levels)


@dataclass(frozen=True)
class LookAlikeLevels:
    """The level labels :func:`look_alike` reads, taken from a model's comparisons."""

    personal: frozenset[str]
    """One person's evidence: an e-mail of their own, a mobile, or an identifier column
    agreeing (a customer or loyalty number, FEBRL's social security number)."""
    last_names_differ: frozenset[str]
    alike_first_names: frozenset[str]
    """Two first names only alike (phonetic, Jaro-Winkler, an initial): also a
    relative's. Not a typo (a name not in the list one letter from one that is):
    one person's name mistyped is more common than twins."""
    typo_first_names: frozenset[str]
    """Two first names one letter apart, one of them not in the list of first names
    (``Emma`` ~ ``Emmy``, Emmy missing): a typo, or a sister's name the list lacks."""
    emails_differ: frozenset[str]
    """Both have an e-mail and none in common: each has their own."""
    phones_differ: frozenset[str]
    """Both have a phone and none in common."""
    born_same_day: frozenset[str]
    birth_dates_agree: frozenset[str]
    """The same day, its day and month swapped or one typo; not merely the same year."""
    one_company: frozenset[str] = frozenset()
    """The SIRENs agree: a common employer, which a couple rarely shares."""

    @classmethod
    def of(cls, comparisons: Iterable[Comparison]) -> Self:
        """The labels of these comparisons' levels."""
        comps = tuple(comparisons)
        last = [c for c in comps if isinstance(c, LastNameComparison)]
        first = [c for c in comps if isinstance(c, FirstNameComparison)]
        dob = [c for c in comps if isinstance(c, BirthDateComparison)]
        identifiers = frozenset(
            lvl.label
            for c in comps
            if isinstance(c, IdentifierComparison)
            for lvl in c.levels
            if not lvl.disagreement
        )
        return cls(
            personal=personal_levels(comps) | identifiers,
            # a married name in common, other birth names: two women of one family
            last_names_differ=frozenset(
                lvl.label
                for c in last
                for i, lvl in enumerate(c.levels)
                if i == c.disagreement_index or lvl.label == OTHER_BIRTH_NAMES
            ),
            alike_first_names=frozenset(c.levels[i].label for c in first for i in c.weak_indexes),
            typo_first_names=frozenset(
                lvl.label for c in first for lvl in c.levels if lvl.label.endswith(" typo")
            ),
            emails_differ=frozenset(
                c.levels[c.disagreement_index].label
                for c in comps
                if isinstance(c, EmailComparison)
            ),
            phones_differ=frozenset(
                c.levels[c.disagreement_index].label
                for c in comps
                if isinstance(c, PhoneComparison)
            ),
            born_same_day=frozenset(c.levels[0].label for c in dob),
            birth_dates_agree=frozenset(
                lvl.label
                for c in dob
                for lvl in c.levels
                if not lvl.disagreement and "same year" not in lvl.label
            ),
            one_company=frozenset(
                c.levels[0].label for c in comps if isinstance(c, SirenComparison)
            ),
        )


def look_alike(
    levels: Iterable[str],
    sexes: tuple[str | None, str | None],
    known: LookAlikeLevels,
    mobiles: tuple[Collection[str], Collection[str]] = ((), ()),
    unisex: bool = False,
) -> str | None:
    """Why a pair may be two look-alikes rather than one person (None: no reason).

    Only when no personal level agrees (an e-mail of their own, a mobile, an
    identifier such as a customer number):

    * a man and a woman by their civilities or genders (``sexes``): M. and Mme
      Dominique Petit at one address are a couple, whatever else they share;
    * a first name men and women both bear (``unisex``: both contacts' first name
      is one of :data:`UNISEX_FIRST_NAMES`), written alike, no civility saying they
      are of one sex, neither their birth dates nor a company's SIREN agreeing (a
      couple rarely shares an employer): Dominique Collet and
      Dominique Collet at one address, with its landline and a mobile or an e-mail
      each, may be M. and Mme;
    * other last names, and birth dates that do not agree: what is left in common
      is a place (an address, a landline or switchboard, a shared mailbox), which
      colleagues or relatives share; a woman known by her maiden and her married
      name keeps her birth date, mobile or e-mail;
    * first names only alike (``Jules`` ~ ``Julia``, phonetic or Jaro-Winkler), the
      same birth date and each an e-mail or a phone of their own: twins share the
      day, the name and the home, not their mailboxes (one person's rows with a
      first name mistyped and nothing else to tell, as FEBRL's, still merge); a
      first name one letter from the other (``Emma`` ~ ``Emmy``: a typo, or a name
      the list of first names lacks) likewise when each has both an e-mail and a
      phone of their own. Each a mobile of their own (``mobiles``, none in common)
      is enough for both: twins keep their own mobiles, and share the landline
      and maybe ``edurand@`` at two of one provider's domains.

    >>> from carnet.match import MatchSettings
    >>> known = LookAlikeLevels.of(MatchSettings().comparisons)
    >>> look_alike(["first name exact", "address exact"], ("male", "female"), known)
    'a man and a woman by their civilities'
    >>> look_alike(["first name exact", "email exact"], ("male", "female"), known)
    >>> look_alike(["last name different", "phone exact"], (None, None), known)
    'other last names, only a place in common'
    >>> look_alike(["last name different", "birth date exact"], (None, None), known)
    >>> twins = ["first name phonetic", "birth date exact", "email different"]
    >>> look_alike(twins, (None, "male"), known)
    'first names only alike, born the same day'
    >>> look_alike(["first name phonetic", "birth date exact"], (None, "male"), known)
    >>> dominique = ["first name exact", "last name exact", "phone exact"]
    >>> look_alike(dominique, ("female", None), known, unisex=True)
    'a first name men and women bear, no civility to tell them apart'
    >>> look_alike(dominique, ("female", "female"), known, unisex=True)
    >>> emma_emmy = ["first name typo", "birth date exact", "phone exact"]
    >>> look_alike(emma_emmy, (None, None), known, ({"+33670395223"}, {"+33635504938"}))
    'first names only alike, born the same day'
    """
    seen = set(levels)
    if seen & known.personal:
        return None
    if sexes[0] and sexes[1] and sexes[0] != sexes[1]:
        return "a man and a woman by their civilities"
    if seen & known.last_names_differ and not seen & known.birth_dates_agree:
        return "other last names, only a place in common"
    one_sex = sexes[0] is not None and sexes[0] == sexes[1]
    couple = not seen & (known.birth_dates_agree | known.one_company)
    if unisex and not one_sex and couple:
        return "a first name men and women bear, no civility to tell them apart"
    own_email, own_phone = seen & known.emails_differ, seen & known.phones_differ
    own_mobile = bool(mobiles[0] and mobiles[1]) and not set(mobiles[0]) & set(mobiles[1])
    twins = (seen & known.alike_first_names and (own_email or own_phone or own_mobile)) or (
        seen & known.typo_first_names and ((own_email and own_phone) or own_mobile)
    )
    if twins and seen & known.born_same_day:
        return "first names only alike, born the same day"
    return None


def _look_alike_reasons(
    strong: pl.DataFrame,
    sexes: Mapping[int, str],
    known: LookAlikeLevels,
    mobiles: Mapping[int, Collection[str]],
    unisex: Collection[int],
) -> list[str | None]:
    level_columns = [c for c in strong.columns if c.endswith("_level")]
    return [
        look_alike(
            [str(row[c]) for c in level_columns],
            (sexes.get(row["lo"]), sexes.get(row["hi"])),
            known,
            (mobiles.get(row["lo"], ()), mobiles.get(row["hi"], ())),
            unisex=row["lo"] in unisex and row["hi"] in unisex,
        )
        for row in strong.select("lo", "hi", *level_columns).iter_rows(named=True)
    ]


def contact_mobiles(records: pl.DataFrame) -> dict[int, frozenset[str]]:
    """Record id -> its mobiles (E.164, :data:`carnet.match.records.MOBILE_PREFIXES`),
    from a ``phones`` list column or a ``phone`` column; records without one are left out."""
    column = "phones" if "phones" in records.columns else "phone"
    if column not in records.columns:
        return {}
    phones = records.select("record_id", pl.col(column).alias("phone"))
    if phones.schema["phone"] == pl.List(pl.String):
        phones = phones.explode("phone")
    found = (
        phones.drop_nulls()
        .filter(is_mobile_expr(pl.col("phone")))
        .group_by("record_id")
        .agg(pl.col("phone").unique())
    )
    return {
        int(rid): frozenset(values)
        for rid, values in zip(found["record_id"].to_list(), found["phone"].to_list(), strict=True)
    }


def is_unisex_first_name(name: str | None) -> bool:
    """Whether a first name (as written) is one of :data:`UNISEX_FIRST_NAMES`.

    >>> is_unisex_first_name("Dominique"), is_unisex_first_name("Marie")
    (True, False)
    """
    return fold(name) in UNISEX_FIRST_NAMES


def unisex_contacts(records: pl.DataFrame) -> frozenset[int]:
    """The record ids whose first name is one both sexes bear (:func:`is_unisex_first_name`)."""
    if "first_name" not in records.columns:
        return frozenset()
    names = records.select("record_id", "first_name").drop_nulls()
    return frozenset(int(rid) for rid, name in names.iter_rows() if is_unisex_first_name(name))


def _own_mobiles_mask(
    strong: pl.DataFrame,
    mobiles: Mapping[int, Collection[str]],
    birth_dates: Mapping[int, str],
    personal: Collection[str],
) -> pl.Series:
    level_columns = [c for c in strong.columns if c.endswith("_level")]
    flags = [
        own_mobiles(
            mobiles.get(row["lo"], ()),
            mobiles.get(row["hi"], ()),
            birth_dates.get(row["lo"]),
            birth_dates.get(row["hi"]),
            [str(row[c]) for c in level_columns],
            personal,
        )
        for row in strong.select("lo", "hi", *level_columns).iter_rows(named=True)
    ]
    return pl.Series("own_mobiles", flags, dtype=pl.Boolean)


def _names_only_expr(others: Sequence[str], columns: Sequence[str]) -> pl.Expr:
    """Per pair of :meth:`Matcher.predict`: no comparison of ``others`` weighs above 0."""
    weights = [f"{name}_weight" for name in others if f"{name}_weight" in columns]
    alone = [pl.col(w).fill_null(0.0) <= 0.0 for w in weights]
    if "last_name_level" in columns:  # a married woman's two names: see names_only
        alone.append(pl.col("last_name_level").cast(pl.String).fill_null("") != BOTH_NAMES)
    if not alone:
        return pl.lit(True)
    return pl.all_horizontal(alone)


#: Years between two birth dates that make them a parent's and a child's, not one
#: person's typed twice: a father and his son of one name are a generation apart.
GENERATION_YEARS = 12


def born_apart(a: str | None, b: str | None) -> bool:
    """Two ISO birth dates of two people a generation apart: both known, at least
    :data:`GENERATION_YEARS` years apart, and neither their day and month swapped nor
    one character mistyped (1952 typed 1982). Dates closer than that may be one
    person's, mistyped twice over (FEBRL's records are), and decide nothing here.

    >>> born_apart("1952-03-03", "1983-10-25"), born_apart("1952-03-03", None)
    (True, False)
    >>> born_apart("1962-05-01", "1962-01-05"), born_apart("1962-05-01", "1962-05-11")
    (False, False)
    >>> born_apart("1952-03-03", "1982-03-03"), born_apart("1965-03-12", "1956-12-03")
    (False, False)
    """
    if not a or not b or a == b or len(a) != len(b):
        return False
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return False
    if sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
        return False
    try:
        return abs(int(a[:4]) - int(b[:4])) >= GENERATION_YEARS
    except ValueError:
        return False


def _bridges(
    strong: pl.DataFrame, birth_dates: Mapping[int, str], paired: set[Pair]
) -> set[Pair]:
    """The auto pairs that join an undated contact to two others whose birth dates tell
    them apart, where the two were not scored a candidate pair themselves (``paired``)."""
    partners: dict[int, set[int]] = defaultdict(set)
    keys = set(zip(strong["lo"].to_list(), strong["hi"].to_list(), strict=True))
    for lo, hi in keys:
        partners[lo].add(hi)
        partners[hi].add(lo)
    out: set[Pair] = set()
    for middle, others in partners.items():
        if birth_dates.get(middle):
            continue  # a dated middle is like one and unlike the other: the groups decide
        dated = [o for o in others if birth_dates.get(o)]
        for i, a in enumerate(dated):
            for b in dated[i + 1 :]:
                pair = (min(a, b), max(a, b))
                if pair not in paired and born_apart(birth_dates[a], birth_dates[b]):
                    out.add((min(middle, a), max(middle, a)))
                    out.add((min(middle, b), max(middle, b)))
    return out


class _Groups:
    """Union-find that refuses to join groups holding a rejected pair, or two
    contacts born apart that were not scored a candidate pair themselves
    (``paired``: the pairs at or above the review threshold)."""

    def __init__(
        self,
        rejected: Iterable[Pair],
        birth_dates: Mapping[int, str] | None = None,
        paired: set[Pair] | None = None,
    ) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.apart: dict[int, set[int]] = defaultdict(set)
        self.birth_dates = birth_dates or {}
        self.paired = paired or set()
        for a, b in rejected:
            self.apart[a].add(b)
            self.apart[b].add(a)

    def _born_apart(self, ga: list[int], gb: list[int]) -> bool:
        dates = self.birth_dates
        return any(
            born_apart(dates.get(x), dates.get(y)) and (min(x, y), max(x, y)) not in self.paired
            for x in ga
            if dates.get(x)
            for y in gb
        )

    def find(self, x: int) -> int:
        root = self.parent.setdefault(x, x)
        if root != x:
            root = self.parent[x] = self.find(root)
        return root

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ga, gb = self.members.get(ra, [ra]), self.members.get(rb, [rb])
        if len(ga) > len(gb):
            ra, rb, ga, gb = rb, ra, gb, ga
        if any(self.find(other) == rb for x in ga for other in self.apart.get(x, ())):
            return False
        # A pair of two dated contacts is evidence enough (scored above the threshold
        # despite their dates, when they differ); one without a birth date is as like a
        # father as his son, and may not join them through itself.
        undated = not (self.birth_dates.get(a) and self.birth_dates.get(b))
        if self.birth_dates and undated and self._born_apart(ga, gb):
            return False
        self.parent[ra] = rb
        self.members[rb] = gb + ga
        self.members.pop(ra, None)
        return True

    def clusters(self) -> list[list[int]]:
        return sorted(sorted(g) for g in self.members.values() if len(g) > 1)


def _pair_keys(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.min_horizontal("record_id_l", "record_id_r").alias("lo"),
        pl.max_horizontal("record_id_l", "record_id_r").alias("hi"),
    )


def decide(
    pairs: pl.DataFrame,
    *,
    auto_threshold: float,
    review_threshold: float,
    rejected: Iterable[Pair] = (),
    birth_dates: Mapping[int, str] | None = None,
    beyond_names: Sequence[str] | None = None,
    mobiles: Mapping[int, Collection[str]] | None = None,
    personal: Collection[str] = (),
    look_alikes: LookAlikeLevels | None = None,
    sexes: Mapping[int, str] | None = None,
    unisex: Collection[int] = (),
) -> Decisions:
    """Decide what to do with scored pairs.

    Args:
        pairs: :meth:`carnet.match.Matcher.predict` output.
        auto_threshold: merge from this probability.
        review_threshold: ask a person from this probability.
        rejected: ``(low id, high id)`` pairs a person said are different people.
        birth_dates: contact id -> ISO birth date (the known ones): a cluster never
            joins two contacts born apart unless they were paired themselves.
        beyond_names: the comparisons other than the names (:func:`beyond_names`):
            a pair none of them speaks for (weight 0 or less each) goes to review,
            never merged. None: no such rule (the pairs need no weight columns).
        mobiles: contact id -> its mobiles (the contacts that have some): a pair of
            two contacts with mobiles of their own goes to review unless the birth
            dates or a ``personal`` level (:func:`personal_levels`) tie them
            (:func:`own_mobiles`). None: no such rule.
        personal: the labels of the personal levels.
        look_alikes: the level labels of the look-alike rules (:func:`look_alike`): a
            pair of look-alikes goes to review. None: no such rule.
        sexes: contact id -> "male" or "female" (from the civility), for those rules.
        unisex: the contacts whose first name men and women both bear
            (:func:`unisex_contacts`), for those rules.
    """
    rejected_set = {(min(a, b), max(a, b)) for a, b in rejected}
    scored = _pair_keys(pairs).filter(pl.col("probability") >= review_threshold)
    if rejected_set:
        gone = pl.DataFrame(
            list(rejected_set), schema={"lo": pl.Int64, "hi": pl.Int64}, orient="row"
        )
        before = scored.height
        scored = scored.join(gone, on=["lo", "hi"], how="anti")
        skipped = before - scored.height
    else:
        skipped = 0
    scored = scored.sort("probability", "lo", "hi", descending=[True, False, False])
    strong = scored.filter(pl.col("probability") >= auto_threshold)
    on_names = strong.clear()
    if beyond_names is not None and strong.height:
        names_alone = _names_only_expr(beyond_names, strong.columns)
        on_names, strong = strong.filter(names_alone), strong.filter(~names_alone)
    on_mobiles = strong.clear()
    if mobiles and strong.height:
        mask = _own_mobiles_mask(strong, mobiles, birth_dates or {}, personal)
        on_mobiles, strong = strong.filter(mask), strong.filter(~mask)
    on_look_alikes = strong.clear()
    reasons: dict[Pair, str] = {}
    if look_alikes is not None and strong.height:
        found = _look_alike_reasons(
            strong, sexes or {}, look_alikes, mobiles or {}, frozenset(unisex)
        )
        mask = pl.Series("look_alike", [r is not None for r in found], dtype=pl.Boolean)
        keys = zip(strong["lo"].to_list(), strong["hi"].to_list(), strict=True)
        reasons = {key: r for key, r in zip(keys, found, strict=True) if r is not None}
        on_look_alikes, strong = strong.filter(mask), strong.filter(~mask)
    # two contacts born apart join one cluster through an undated one only when they
    # were scored a candidate pair themselves
    candidates = set(zip(scored["lo"].to_list(), scored["hi"].to_list(), strict=True))
    bridges = _bridges(strong, birth_dates, candidates) if birth_dates else set()
    groups = _Groups(rejected_set, birth_dates, candidates)
    joined: list[bool] = [
        (lo, hi) not in bridges and groups.join(lo, hi)
        for lo, hi in zip(strong["lo"].to_list(), strong["hi"].to_list(), strict=True)
    ]
    accepted = pl.Series("accepted", joined, dtype=pl.Boolean)
    merge_pairs = strong.filter(accepted)
    demoted = strong.filter(~accepted)
    # pairs on names only are reviewed like weak ones: none if a cluster joins them anyway
    weak = pl.concat(
        [
            on_names,
            on_mobiles,
            on_look_alikes,
            scored.filter(pl.col("probability") < auto_threshold),
        ],
        how="vertical_relaxed",
    )
    if weak.height:
        same = pl.Series(
            [
                groups.find(lo) == groups.find(hi)
                for lo, hi in zip(weak["lo"].to_list(), weak["hi"].to_list(), strict=True)
            ],
            dtype=pl.Boolean,
        )
        weak = weak.filter(~same)
    reviewed_on_names = weak.join(on_names.select("lo", "hi"), on=["lo", "hi"], how="semi")
    reviewed_on_mobiles = weak.join(on_mobiles.select("lo", "hi"), on=["lo", "hi"], how="semi")
    reviewed_look_alikes = weak.join(on_look_alikes.select("lo", "hi"), on=["lo", "hi"], how="semi")
    review = pl.concat([demoted, weak], how="vertical_relaxed").sort(
        "probability", "lo", "hi", descending=[True, False, False]
    )
    return Decisions(
        clusters=groups.clusters(),
        merge_pairs=merge_pairs,
        review=review,
        skipped_rejected=skipped,
        demoted=demoted.height,
        names_only=reviewed_on_names.height,
        own_mobiles=reviewed_on_mobiles.height,
        own_mobile_pairs=frozenset(reviewed_on_mobiles.select("lo", "hi").iter_rows()),
        look_alikes=reviewed_look_alikes.height,
        look_alike_pairs={
            key: reasons[key] for key in reviewed_look_alikes.select("lo", "hi").iter_rows()
        },
    )


def describe_evidence(explanation: Iterable[tuple[str, str, float]], limit: int = 3) -> str:
    """The strongest evidence of a pair in words: ``email exact (+14.2), ...``."""
    strongest = sorted(
        (e for e in explanation if e[0] != "prior" and e[2] > 0), key=lambda e: -e[2]
    )[:limit]
    return ", ".join(f"{level} ({weight:+.1f})" for _name, level, weight in strongest)


def top_reasons(
    pairs: pl.DataFrame, comparisons: Iterable[str], limit: int = 5
) -> list[tuple[str, int]]:
    """The agreement levels that most often pushed pairs toward a match, with counts."""
    counts: dict[str, int] = defaultdict(int)
    for name in comparisons:
        level, weight = f"{name}_level", f"{name}_weight"
        if level not in pairs.columns or not pairs.height:
            continue
        agg = pairs.filter(pl.col(weight) > 0).group_by(pl.col(level).cast(pl.String)).len()
        for label, n in agg.iter_rows():
            counts[str(label)] += int(n)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
