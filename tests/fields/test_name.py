"""carnet.fields.name: capitalisation, civilities, full names, swaps, nicknames."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidFormat, InvalidLength
from carnet.fields import name
from carnet.fields._common import fold
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("DUPONT", "Dupont"),
        ("dupont", "Dupont"),
        ("Dupont", "Dupont"),
        ("jean-pierre", "Jean-Pierre"),
        ("JEAN-PIERRE", "Jean-Pierre"),
        ("o'neil", "O'Neil"),
        ("O’NEIL", "O'Neil"),
        ("DE LA FONTAINE", "de La Fontaine"),
        ("j.-p.", "J.-P."),  # initials keep their capitals
        ("J.PIERRE", "J.Pierre"),  # initials glued to their name: the name recased
        ("j.-pierre", "J.-Pierre"),
        ("J.P.", "J.P."),
        ("st. john", "St. John"),
        ("de gaulle", "de Gaulle"),
        ("du bellay", "du Bellay"),
        ("DES ESSEINTES", "des Esseintes"),
        ("d'artagnan", "d'Artagnan"),
        ("LE PEN", "Le Pen"),
        ("la fontaine", "La Fontaine"),
        ("L'HUILLIER", "L'Huillier"),
        ("VAN DER BERG", "Van der Berg"),
        ("ludwig van beethoven", "Ludwig van Beethoven"),
        ("McDonald", "McDonald"),
        ("MCDONALD", "Mcdonald"),
        ("De Bruyne", "De Bruyne"),
        ("saint-exupéry", "Saint-Exupéry"),
        ("ÉLODIE", "Élodie"),
        ("  marie   claire ", "Marie Claire"),
        ("Jean - Pierre", "Jean-Pierre"),
        ("Mme DURAND", "Durand"),
        ("M. M. Dupont", "Dupont"),
        ("ØSTERGAARD", "Østergaard"),
        ("李", "李"),
    ],
)
def test_normalise(raw: str, normalised: str) -> None:
    assert name.normalise(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "flags", "status"),
    [
        ("Dupont", set(), Status.VALID),
        ("DUPONT", {"case_fixed"}, Status.VALID),
        ("M. Dupont", {"civility_removed"}, Status.VALID),
        ("Mme DUPONT", {"civility_removed", "case_fixed"}, Status.VALID),
        ("J.", {"initial"}, Status.WARNING),
        ("Jean2", {"has_digits"}, Status.INVALID),
        ("Dupont & Fils", {"bad_characters"}, Status.INVALID),
        ("jean@dupont", {"bad_characters"}, Status.INVALID),
        ("xxx", {"placeholder"}, Status.INVALID),
        ("Inconnu", set(), Status.EMPTY),  # says "no name": nothing to check
        ("aaaa", {"placeholder"}, Status.INVALID),
        ("A" * 81, {"too_long"}, Status.INVALID),
        ("M.", {"initial"}, Status.WARNING),
    ],
)
def test_check_flags(raw: str, flags: set[str], status: Status) -> None:
    verdict = name.check(raw)
    assert verdict.status is status
    assert verdict.flags == flags


def test_civility_removed_keeps_it_in_details() -> None:
    verdict = name.check("Madame Durand")
    assert verdict.details["civility"] == "Mme"
    assert verdict.details["gender_hint"] == "female"


@pytest.mark.parametrize(
    ("raw", "error"), [("Jean2", InvalidFormat), ("A" * 81, InvalidLength), ("", InvalidFormat)]
)
def test_validate_errors(raw: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        name.validate(raw)


@pytest.mark.parametrize(
    ("raw", "civility", "rest"),
    [
        ("M. Jean Dupont", "M.", "Jean Dupont"),
        ("M Jean Dupont", "M.", "Jean Dupont"),
        ("Mr Jean Dupont", "M.", "Jean Dupont"),
        ("Mr. Jean Dupont", "M.", "Jean Dupont"),
        ("Monsieur Jean Dupont", "M.", "Jean Dupont"),
        ("MONSIEUR DUPONT", "M.", "DUPONT"),
        ("Mme Marie Curie", "Mme", "Marie Curie"),
        ("Madame Curie", "Mme", "Curie"),
        ("Mrs Smith", "Mme", "Smith"),
        ("Ms Smith", "Mme", "Smith"),
        ("Mlle Durand", "Mlle", "Durand"),
        ("Melle Durand", "Mlle", "Durand"),
        ("Mademoiselle Durand", "Mlle", "Durand"),
        ("Dr House", "Dr", "House"),
        ("Docteur House", "Dr", "House"),
        ("Me Dupond", "Me", "Dupond"),
        ("Maître Dupond", "Me", "Dupond"),
        ("Pr Tournesol", "Pr", "Tournesol"),
        ("Professeur Tournesol", "Pr", "Tournesol"),
        ("M. et Mme Martin", "M. et Mme", "Martin"),
        ("M.Dupont", "M.", "Dupont"),
        ("Martin", None, "Martin"),
        ("Mélanie Martin", None, "Mélanie Martin"),
        ("Mathieu Martin", None, "Mathieu Martin"),
        ("Mme", None, "Mme"),
    ],
)
def test_split_civility(raw: str, civility: str | None, rest: str) -> None:
    assert name.split_civility(raw) == (civility, rest)


@pytest.mark.parametrize(
    ("civility", "gender"),
    [
        ("M.", "male"),
        ("Monsieur", "male"),
        ("Mme", "female"),
        ("Mlle", "female"),
        ("Dr", None),
        ("Me", None),
        (None, None),
        ("", None),
    ],
)
def test_gender_hint(civility: str | None, gender: str | None) -> None:
    assert name.gender_hint(civility) == gender


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M. Jean Dupont", ("M.", "Jean", "Dupont")),
        ("DUPONT Jean", (None, "Jean", "Dupont")),
        ("Jean DUPONT", (None, "Jean", "Dupont")),
        ("Dupont, Jean", (None, "Jean", "Dupont")),
        ("DUPONT, jean-pierre", (None, "Jean-Pierre", "Dupont")),
        ("Jean-Pierre DE LA FONTAINE", (None, "Jean-Pierre", "de La Fontaine")),
        ("Jean de la Fontaine", (None, "Jean", "de La Fontaine")),
        ("Charles DE GAULLE", (None, "Charles", "de Gaulle")),
        ("Marie Claire Martin", (None, "Marie Claire", "Martin")),
        ("Dupont Jean", (None, "Jean", "Dupont")),
        ("jean dupont", (None, "Jean", "Dupont")),
        ("Mme Marie-Claire DURAND", ("Mme", "Marie-Claire", "Durand")),
        ("Dr Jean-Marc Martin", ("Dr", "Jean-Marc", "Martin")),
        ("Martin", (None, "", "Martin")),
        ("", (None, "", "")),
        ("M. et Mme Jean DUPONT", ("M. et Mme", "Jean", "Dupont")),
        ("Kevin De Bruyne", (None, "Kevin", "De Bruyne")),
        ("Ahmed Ben Ali", (None, "Ahmed", "Ben Ali")),
        ("Mohamed El Amrani", (None, "Mohamed", "El Amrani")),
        ("Fatima ait ahmed", (None, "Fatima", "Ait Ahmed")),
        ("Ben Dupont", (None, "Ben", "Dupont")),
        ("HAMEL BEN", (None, "Ben", "Hamel")),
        # the words in capitals are the last name, particles and first names included
        ("BEN ALI Valérie", (None, "Valérie", "Ben Ali")),
        ("Mme Linh BEN AHMED", ("Mme", "Linh", "Ben Ahmed")),
        ("THI LAN FERREIRA", (None, "Thi Lan", "Ferreira")),
        # an initial first is the first name; a compound of first names is one
        ("P. Martin", (None, "P.", "Martin")),
        ("J.-P. Durand", (None, "J.-P.", "Durand")),
        ("Martin Paul-Henri", (None, "Paul-Henri", "Martin")),
        ("Jean Martin-Dupont", (None, "Jean", "Martin-Dupont")),
        # the last name first, starting with its particle
        ("Le Goff Yann", (None, "Yann", "Le Goff")),
        ("Le Goff", (None, "", "Le Goff")),
        ("de la Fontaine Jean-Pierre", (None, "Jean-Pierre", "de La Fontaine")),
        ("Da Silva Maria", (None, "Maria", "Da Silva")),
        ("El Amrani Mohamed", (None, "Mohamed", "El Amrani")),
        ("Mme Le Goff Anne", ("Mme", "Anne", "Le Goff")),
        # a household, a remark in brackets
        ("Famille Martin", (None, "", "Martin")),
        ("Dupont Jean (Direction)", (None, "Jean", "Dupont")),
        # a remark after a spaced dash or slash (a CRM's "contact - company")
        ("Jean Dupont - Acme", (None, "Jean", "Dupont")),
        ("DUPONT Jean - Acme SAS", (None, "Jean", "Dupont")),
        ("M. Jean Dupont / DG", ("M.", "Jean", "Dupont")),
        ("Jean DUPONT – Directeur", (None, "Jean", "Dupont")),
        # ... but a compound name typed with spaces stays whole
        ("Jean - Pierre Dupont", (None, "Jean-Pierre", "Dupont")),
        ("Mme Marie - Claire Durand", ("Mme", "Marie-Claire", "Durand")),
        # a couple keeps both first names
        ("Jean et Marie Dupont", (None, "Jean et Marie", "Dupont")),
        # a diminutive first, before a family name that is also a first name
        ("Fanfan Richard", (None, "Fanfan", "Richard")),
        ("Manu Vincent", (None, "Manu", "Vincent")),
        # no capitals to tell: the known first names ending the cell (was "Dupont Jean" /
        # "Pierre"), and an Arabic particle keeps the word after it (was "Ali Mohamed" /
        # "Ben")
        ("dupont jean pierre", (None, "Jean Pierre", "Dupont")),
        ("Ben Ali Mohamed", (None, "Mohamed", "Ben Ali")),
        ("Ait Ali Karim", (None, "Karim", "Ait Ali")),
        ("R RICHARD", (None, "R", "Richard")),
        ("JEAN & MARIE DUPONT", (None, "Jean & Marie", "Dupont")),
    ],
)
def test_split_full_name(raw: str, expected: tuple[str | None, str, str]) -> None:
    assert name.split_full_name(raw) == expected


@pytest.mark.parametrize(
    ("first", "last", "swapped"),
    [
        ("Dupont", "Jean", True),
        ("DURAND", "Marie-Claire", True),
        ("Jean", "Dupont", False),
        ("Martin", "Thomas", False),  # both first names: no evidence
        ("Xyzzy", "Qwerty", False),
        ("", "Jean", False),
        # a mistyped or short first name beside a last name that is also a first
        # name: the first name was typed badly, not put in the wrong column
        ("Sopphie", "LEROY", False),
        ("Roain", "Hubert", False),
        ("Élodei", "Vincent", False),
        ("Pat", "Richard", False),
        # a family name one letter from a first name at its end is still a family name
        ("Perrin", "Sophie", True),
        ("Rodrigues", "Paul", True),
        # a compound first name typed without its hyphen is a first name: the shop's
        # "ANNESOPHIE / Leroy" was read as Leroy Annesophie
        ("ANNESOPHIE", "Leroy", False),
        ("Jeanbaptiste", "Schmitt", False),
        ("Jeanjean", "Paul", True),  # a family name, not Jean-Jean
        # an initial is a first name's, never a last name: a trade-show badge's
        # "R RICHARD" was stored as Richard R
        ("R", "Richard", False),
        ("J.-P.", "Thomas", False),
        ("C", "Gauthier", False),
    ],
)
def test_looks_swapped(first: str, last: str, swapped: bool) -> None:
    assert name.looks_swapped(first, last) is swapped


COMPOUNDS = sorted(n for n in name._first_names() if " " in n)


@given(st.sampled_from(COMPOUNDS), st.sampled_from([str.upper, str.lower, str.title]))
def test_a_compound_first_name_typed_as_one_word_is_a_first_name(
    compound: str, case: object
) -> None:
    joined = case("".join(compound.split()))  # type: ignore[operator]
    assert name.is_first_name(joined)
    assert not name.looks_swapped(joined, "Leroy")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SIMON ANNE-SOPHIE", (None, "Anne-Sophie", "Simon")),
        ("NOËL CATHERINE", (None, "Catherine", "Noël")),
        ("ROUSSEAU JOÃO", (None, "João", "Rousseau")),
        ("LE GOFF YANN", (None, "Yann", "Le Goff")),
        ("DUPONT JEAN PIERRE", (None, "Jean Pierre", "Dupont")),
        # the cell's own evidence still wins: capitals, or a first name typed first
        ("DUPONT Jean", (None, "Jean", "Dupont")),
        ("Jean Dupont", (None, "Jean", "Dupont")),
    ],
)
def test_a_column_headed_last_name_first(raw: str, expected: tuple[str | None, str, str]) -> None:
    assert name.split_full_name(raw, last_first=True) == expected


def test_first_name_list_is_shipped_with_its_source() -> None:
    path = Path(name.__file__).parent / "data" / "first_names.txt"
    text = path.read_text(encoding="utf-8")
    assert "SOURCE" in text[:300]
    assert len(name._first_names()) > 1000
    for known in ["Jean", "Marie", "Nathalie", "Kévin", "Mohamed", "Jean-Baptiste", "Léa"]:
        assert name.is_first_name(known), known


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("JB", ("Jean-Baptiste",)),
        ("J.-B.", ("Jean-Baptiste",)),
        ("Cathy", ("Catherine",)),
        ("Nico", ("Nicolas",)),
        ("Fred", ("Frédéric", "Frédérique")),
        ("Alex", ("Alexandre", "Alexandra", "Alexis")),
        ("Manu", ("Emmanuel", "Emmanuelle")),
        ("Seb", ("Sébastien",)),
        ("Séb", ("Sébastien",)),
        ("Steph", ("Stéphane", "Stéphanie")),
        ("Chris", ("Christophe", "Christian", "Christine", "Christelle")),
        ("Jean", ()),
    ],
)
def test_nicknames(short: str, full: tuple[str, ...]) -> None:
    assert name.nickname_of(short) == full


def test_first_name_variants_link_both_ways() -> None:
    assert "cathy" in name.first_name_variants("Catherine")
    assert "catherine" in name.first_name_variants("Cathy")
    assert name.first_name_variants("") == frozenset()
    assert all(k == name.fold(k) for k in name.NICKNAMES)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Hélène", "helene"),
        ("JEAN-PIERRE", "jean pierre"),
        ("d’Ârtagnan", "d artagnan"),
        ("Lœtitia", "loetitia"),
        ("  Marie   Claire ", "marie claire"),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert name.fold(raw) == folded


def test_check_many_and_format() -> None:
    result = name.check_many(["DUPONT", "DUPONT", "dupont", None])
    assert len(result) == 3
    assert name.format("DUPONT") == "Dupont"


@pytest.mark.parametrize(
    ("a", "b", "typo"),
    [
        ("Thiery", "Thierry", True),
        ("Isabele", "ISABELLE", True),
        ("Nathlaie", "Nathalie", True),  # two letters swapped
        ("Chrisitne", "Christine", True),
        ("Thierry", "Thierry", False),  # the same spelling is no typo
        ("Louis", "Louise", False),  # relatives' names differ at their end
        ("Jean", "Jeanne", False),
        ("Pascal", "Pascale", False),
        ("Élise", "Éloïse", False),  # two first names in their own right
        ("Malo", "Milo", False),
        ("Léo", "Lée", False),  # too short to tell
        ("Thiery", "Thyerry", False),  # two edits
        # a slip at the end of a name that is no relative's name
        ("Sophiee", "Sophie", True),
        ("Élodei", "Élodie", True),
        ("Juile", "Julie", True),
        ("Danil", "Daniel", True),
        ("Béatrie", "Béatrice", True),
        # a man's and a woman's ending, even where one of them is no listed name
        ("Marin", "Marine", False),
        ("Gabriel", "Gabriele", False),
        ("Brun", "Bruno", False),
        ("Mario", "Maria", False),
    ],
)
def test_first_name_typo(a: str, b: str, typo: bool) -> None:
    assert name.is_first_name_typo(a, b) is typo
    assert name.is_first_name_typo(b, a) is typo


@given(st.text(max_size=12), st.text(max_size=12))
def test_first_name_typo_is_symmetric_and_never_raises(a: str, b: str) -> None:
    assert name.is_first_name_typo(a, b) == name.is_first_name_typo(b, a)
    assert not name.is_first_name_typo(a, a)


@pytest.mark.parametrize(
    ("raw", "civility"),
    [("Madame", "Mme"), ("Mme.", "Mme"), ("Mr", "M."), ("MONSIEUR", "M."),
     # a civility and a placeholder (hypothesis found "M.NA": "Na" once, nothing after)
     ("M.NA", "M."), ("Mme N/A", "Mme")],
)
def test_a_name_cell_holding_only_a_civility(raw: str, civility: str) -> None:
    verdict = name.check(raw, part="first")
    assert not verdict.ok and "civility_only" in verdict.flags
    assert verdict.details["civility"] == civility


@pytest.mark.parametrize("raw", ["M", "M.", "Me", "Marie", "Madeleine"])
def test_an_initial_or_a_name_is_no_civility(raw: str) -> None:
    assert "civility_only" not in name.check(raw, part="first").flags


@pytest.mark.parametrize(
    ("raw", "normalised", "civility"),
    [
        ("Dupont (Mme)", "Dupont", "Mme"),
        ("DUPONT (Mr)", "Dupont", "M."),
        ("Dupont (M.)", "Dupont", "M."),
        ("(Mme) Dupont", "Dupont", "Mme"),
        ("Dupont ( Madame )", "Dupont", "Mme"),
    ],
)
def test_a_civility_in_brackets_is_taken_out(raw: str, normalised: str, civility: str) -> None:
    verdict = name.check(raw, part="last")
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)
    assert verdict.details["civility"] == civility and "civility_removed" in verdict.flags


def test_other_words_in_brackets_are_no_civility() -> None:
    assert name.check("Dupont (Jean)").status is Status.INVALID
    assert name.check("(Mme)").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # before: first name "Dupont", last name "Ép. Martin"
        ("Dupont (ép. Martin)", (None, "", "Dupont ép. Martin")),
        ("Marie Dupont (née Martin)", (None, "Marie", "Dupont née Martin")),
        ("DUPONT épouse MARTIN Marie", (None, "Marie", "Dupont épouse Martin")),
        # before: first name "Vve Martin", or "Vve" itself
        ("Vve Martin Jeanne", ("Mme", "Jeanne", "Martin")),
        ("Mme Vve Dupont", ("Mme", "", "Dupont")),
        ("Madame veuve Durand Jeanne", ("Mme", "Jeanne", "Durand")),
        ("Vve. Le Gall Anne", ("Mme", "Anne", "Le Gall")),
    ],
)
def test_a_married_or_widowed_name_in_one_cell(
    raw: str, expected: tuple[str | None, str, str]
) -> None:
    assert name.split_full_name(raw) == expected
    # the last name then gives the name used and the birth name as a last-name cell does
    used, _ = name.split_married_name(expected[2])
    assert "Vve" not in used and "ép" not in used and "née" not in used


def test_a_civility_before_veuve_is_no_birth_name() -> None:
    # before: ("Dupont", "Mme"), Mme taken for the birth name
    assert name.split_married_name("Mme Vve Dupont") == ("Dupont", None)
    assert name.split_married_name("Madame veuve Durand") == ("Durand", None)


@given(
    st.lists(
        st.sampled_from(["Dupont", "LE GALL", "Marie", "Jean-Paul", "N'Diaye"]),
        min_size=1,
        max_size=3,
    )
)
def test_a_widow_marker_never_ends_in_a_name_part(words: list[str]) -> None:
    for marker in ("Vve", "veuve", "Mme Vve"):
        civility, first, last = name.split_full_name(" ".join([marker, *words]))
        assert civility == "Mme"
        assert "vve" not in f"{first} {last}".lower().split()
        assert "veuve" not in f"{first} {last}".lower().split()


@pytest.mark.parametrize(
    ("raw", "first"),
    [
        ("HELENE", "Hélène"),
        ("JEAN-FRANCOIS", "Jean-François"),
        ("MARIE-HELENE", "Marie-Hélène"),
        ("FRANCOIS XAVIER", "François Xavier"),
        ("CLEMENT", "Clément"),
        ("RENE", "René"),
    ],
)
def test_a_first_name_in_capitals_gets_its_accents_back(raw: str, first: str) -> None:
    # before: "Helene", "Jean-Francois": the letters capitals had lost stayed lost
    verdict = name.check(raw, part="first")
    assert verdict.status is Status.VALID and verdict.normalised == first
    assert "accents_restored" in verdict.flags and first in verdict.reasons[-1]


@pytest.mark.parametrize(
    ("raw", "part", "kept"),
    [
        # the list also writes these without accents: either may be the person's
        ("GERARD", "first", "Gerard"),
        ("ZOE", "first", "Zoe"),
        # typed in lower or mixed case, the writer chose
        ("Helene", "first", "Helene"),
        ("helene", "first", "Helene"),
        # a last name is not looked up in the first-name list
        ("HELENE", "last", "Helene"),
        ("DUPONT", "first", "Dupont"),
    ],
)
def test_accents_are_put_back_only_where_the_list_is_sure(raw: str, part: str, kept: str) -> None:
    verdict = name.check(raw, part=part)
    assert verdict.normalised == kept and "accents_restored" not in verdict.flags


@given(st.sampled_from(sorted(name._accented_first_names().values())))
def test_every_accented_name_typed_in_capitals_comes_back(first: str) -> None:
    capitals = fold(first).upper()
    if " " not in first and "-" not in first:
        assert name.check(capitals, part="first").normalised == first


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        ("jean.dupont@free.fr", "an e-mail address"),
        ("06 12 34 56 78", "a phone number"),
        ("+33 (0)6 12 34 56 78", "a phone number"),
    ],
)
def test_an_address_or_number_in_a_name_cell_is_named(raw: str, what: str) -> None:
    # before: "characters not used in names: '@'", "The name contains digits."
    verdict = name.check(raw, part="last")
    assert verdict.status is Status.INVALID and verdict.flags == {"wrong_field"}
    assert verdict.reasons == (f"This is {what}, not a last name.",)


@pytest.mark.parametrize(
    ("raw", "rest", "suffix"),
    [
        ("Gérard FLEURY fils", "Gérard FLEURY", "fils"),
        ("Gérard FLEURY père", "Gérard FLEURY", "père"),
        ("John Smith Jr.", "John Smith", "Jr"),
        ("John Smith Junior", "John Smith Junior", None),  # maybe a double name
        ("John SMITH junior", "John SMITH", "Jr"),
        ("Paul Martin Sr", "Paul Martin", "Sr"),
        ("Marie DURAND aînée", "Marie DURAND", "aînée"),
        ("Jean DUPONT cadet", "Jean DUPONT", "cadet"),
        ("Louis Martin III", "Louis Martin", "III"),
        ("Louis Martin ii", "Louis Martin ii", None),
        ("Dupont et Fils", "Dupont et Fils", None),  # a firm
        ("Dupont & Fils", "Dupont & Fils", None),
        ("Le Cadet", "Le Cadet", None),  # a family name
        ("Cadet", "Cadet", None),
    ],
)
def test_a_generational_suffix_is_split_off(raw: str, rest: str, suffix: str | None) -> None:
    assert name.split_suffix(raw) == (rest, suffix)


def test_a_whole_name_needs_two_words_before_its_suffix() -> None:
    # "Jean Cadet" is Jean, of the Cadet family
    assert name.split_suffix("Jean cadet", min_words=2) == ("Jean cadet", None)
    assert name.split_full_name("Jean Cadet") == (None, "Jean", "Cadet")
    # before: (None, 'Gérard Fils', 'Fleury')
    assert name.split_full_name("Gérard FLEURY fils") == (None, "Gérard", "Fleury")
    assert name.split_full_name("M. Paul MARTIN Jr.") == ("M.", "Paul", "Martin")


def test_the_name_check_keeps_the_suffix_apart() -> None:
    verdict = name.check("FLEURY fils", part="last")
    assert verdict.status is Status.VALID and verdict.normalised == "Fleury"
    assert "suffix_removed" in verdict.flags
    assert verdict.details["suffix"] == "fils" and verdict.details["generation"] == "junior"
    assert name.check("FLEURY père", part="last").details["generation"] == "senior"
    # a suffix alone is a name ("Junior" is a first name)
    assert name.check("Junior", part="first").normalised == "Junior"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("fils", "Jr.", True), ("Junior", "cadet", True), ("père", "Senior", True),
     ("fils", "père", False), ("II", "III", False)],
)
def test_suffix_generation_tells_a_father_from_his_son(a: str, b: str, same: bool) -> None:
    assert (name.suffix_generation(a) == name.suffix_generation(b)) is same


_SUFFIX_WORDS = ["Jean", "DUPONT", "Dupont", "le", "et", "&", "fils", "Fils", "père", "Jr.",
                 "JR", "junior", "Junior", "cadet", "aîné", "II", "ii", "Sr", "Martin"]


@given(st.text())
def test_split_suffix_never_raises_and_is_idempotent(text: str) -> None:
    rest, suffix = name.split_suffix(text)
    assert name.split_suffix(rest) == (rest, None)
    assert suffix is None or name.suffix_generation(suffix) is not None


@given(st.lists(st.sampled_from(_SUFFIX_WORDS), min_size=1, max_size=5))
def test_a_checked_name_with_a_suffix_checks_the_same_again(words: list[str]) -> None:
    first = name.check(" ".join(words), part="last")
    if first.ok and first.normalised:
        again = name.check(first.normalised, part="last")
        assert again.normalised == first.normalised
        assert "suffix_removed" not in again.flags


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("Jean Dupont - Atelier Bois SARL", ("Jean Dupont", "Atelier Bois SARL")),
        ("Mairie de Vannes / Paul Girard", ("Mairie de Vannes", "Paul Girard")),
        ("Paul GIRARD (Mairie de Vannes)", ("Paul GIRARD", "Mairie de Vannes")),
        ("Jean-Pierre Martin", None),
        ("Dupont (née Martin) Marie", None),  # the bracket is inside the name
        ("( )", None),
    ],
)
def test_remark_parts(raw: str, parts: tuple[str, str] | None) -> None:
    assert name.remark_parts(raw) == parts


@given(st.text())
def test_remark_parts_never_raises_and_keeps_the_words(text: str) -> None:
    parts = name.remark_parts(text)
    if parts is not None:
        assert all(parts)
        kept = set("".join(parts).replace(" ", ""))
        assert kept <= set(text.replace(" ", ""))
