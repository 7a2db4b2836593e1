"""Reading that a person died: notes, flag and date cells, La Poste's reason, name cells.

Marking a living customer dead loses them; missing a death sends a campaign to a
dead person. Each line below is a cell as French (and English) customer files
write it, with the reading a CRM manager expects.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields import deceased, name
from carnet.fields.deceased import (
    check_date,
    check_flag,
    death_date_in,
    says_deceased,
    says_returned_as_deceased,
    split_name_marker,
)

#: (note, says the person died, the date of death it gives)
NOTES = [
    # the person's death
    ("Décédé en 2021", True, "2021"),
    ("DCD", True, None),
    ("dcd", True, None),
    ("client décédé, courrier retourné", True, None),
    ("Décès signalé par la fille", True, None),
    ("Décès signalé par la fille le 02/2022", True, "2022-02"),
    ("Client décédé le 12/03/2021", True, "2021-03-12"),
    ("Décédée le 3 mars 2022 - ne plus écrire", True, "2022-03-03"),
    ("Mme décédée - ne plus écrire", True, None),
    ("Décès du client le 4 mai 2020", True, "2020-05-04"),
    ("Décès de Mme Martin", True, None),
    ("Avis de décès reçu", True, None),
    ("Fermé pour cause de décès", True, None),
    ("Motif de sortie : décès", True, None),
    ("Décès", True, None),
    ("décès 2019", True, "2019"),
    ("DCD 03/2020", True, "2020-03"),
    ("Appel du 12/01/2024 : client DCD", True, None),
    ("DÉCÉDÉ", True, None),
    ("Deceased", True, None),
    ("Customer deceased in 2020", True, "2020"),
    ("Customer passed away in 2020", True, "2020"),
    # insurance products
    ("assurance décès", False, None),
    ("Assurance décès souscrite en 2019", False, None),
    ("capital décès", False, None),
    ("Garantie décès incluse", False, None),
    ("Contrat prévoyance, option décès", False, None),
    ("Capital décès à revoir, code DCD-14", False, None),
    ("Intéressé par l'assurance en cas de décès", False, None),
    ("Death benefit policy sold", False, None),
    # a relative's death
    ("Décès d'un proche", False, None),
    ("Décès d'un proche, rappeler en mars", False, None),
    ("Décès de son épouse en 2020", False, None),
    ("Veuve, mari décédé en 2019", False, None),
    ("Sa mère est décédée", False, None),
    ("Informée du décès de sa mère", False, None),
    ("Husband died last year", False, None),
    # denials, other people, doubts
    ("Décédé : Non", False, None),
    ("Décédé : non", False, None),
    ("N'est pas décédé", False, None),
    ("Non décédé", False, None),
    ("ne pas confondre avec le client décédé", False, None),
    ("Homonyme du client décédé de Lyon", False, None),
    ("Décédé ?", False, None),
    ("Serait décédé, à vérifier", False, None),
    ("Décès signalé par erreur, cliente bien vivante", False, None),
    # DCD inside a code
    ("CLI-DCD-042", False, None),
    ("Réf DCD2019", False, None),
    ("Code DCD", False, None),
    # nothing about a death
    ("RAS", False, None),
    ("NPAI sur le dernier courrier", False, None),
    ("", False, None),
]


@pytest.mark.parametrize(("note", "dead", "when"), NOTES)
def test_a_note_says_the_person_died_or_not(note: str, dead: bool, when: str | None) -> None:
    assert says_deceased(note) is dead
    assert death_date_in(note) == when


#: (cell of a "Décédé" / "DCD" / "Deceased" column, normalised, date of death)
FLAGS = [
    ("Oui", "true", None),
    ("OUI", "true", None),
    ("X", "true", None),
    ("x", "true", None),
    ("1", "true", None),
    ("True", "true", None),
    ("DCD", "true", None),
    ("Décédé", "true", None),
    ("Décédée", "true", None),
    ("Deceased", "true", None),
    ("†", "true", None),
    ("12/03/2021", "true", "2021-03-12"),
    ("2021", "true", "2021"),
    ("Non", "false", None),
    ("non", "false", None),
    ("0", "false", None),
    ("False", "false", None),
    ("Vivant", "false", None),
    ("Non décédé", "false", None),
]


@pytest.mark.parametrize(("cell", "normalised", "when"), FLAGS)
def test_a_flag_cell_reads_yes_no_or_a_date(cell: str, normalised: str, when: str | None) -> None:
    verdict = check_flag(cell)
    assert verdict.ok and verdict.normalised == normalised
    assert verdict.details.get("date") == when


@pytest.mark.parametrize("cell", ["peut-être", "Abonné", "Inscrit", "???", "Voir note"])
def test_a_flag_cell_in_other_words_is_invalid_and_kept(cell: str) -> None:
    verdict = check_flag(cell)
    assert verdict.status.value == "invalid" and verdict.raw == cell


@pytest.mark.parametrize(
    ("cell", "normalised", "flag"),
    [
        ("14/03/2021", "2021-03-14", None),
        ("2021-03-14", "2021-03-14", None),
        ("03/2021", "2021-03", None),
        ("2021", "2021", None),
        ("mars 2021", "2021-03", None),
        ("DCD", "true", "true"),
        ("Non", "false", "false"),
    ],
)
def test_a_date_of_death_keeps_its_precision(cell: str, normalised: str, flag: str | None) -> None:
    verdict = check_date(cell)
    assert verdict.ok and verdict.normalised == normalised
    assert verdict.details.get("flag") == flag


def test_a_date_of_death_that_is_no_date_is_invalid() -> None:
    assert check_date("inconnue").status.value == "invalid"


@pytest.mark.parametrize(
    ("cell", "dead"),
    [("Décédé", True), ("DECEDE", True), ("DCD", True), ("Destinataire décédé", True),
     ("NPAI", False), ("Refusé", False), ("X", False), ("Déménagé", False), (None, False)],
)
def test_la_postes_return_reason(cell: str | None, dead: bool) -> None:
    assert says_returned_as_deceased(cell) is dead


#: (name cell, the name without the marker, the marker)
NAMES = [
    ("DUPONT (DCD)", "DUPONT", "(DCD)"),
    ("Dupont (décédé)", "Dupont", "(décédé)"),
    ("Martin [décédée]", "Martin", "[décédée]"),
    ("Dupont Jean - décédé", "Dupont Jean", "décédé"),
    ("Dupont Jean - DCD le 12/03/2021", "Dupont Jean", "DCD le 12/03/2021"),
    ("MARTIN DCD", "MARTIN", "DCD"),
    ("Martin †", "Martin", "†"),
    ("† Martin", "Martin", "†"),
    ("DCD - Dupont", "Dupont", "DCD"),
    ("Dupont (+)", "Dupont", "(+)"),
    ("Dupont", "Dupont", None),
    ("Dupont-Dcdé", "Dupont-Dcdé", None),
    ("Jean-Pierre", "Jean-Pierre", None),
    ("Dupont (Acme SA)", "Dupont (Acme SA)", None),
    ("Décédé", "Décédé", None),  # alone: the name check says so (see below)
]


@pytest.mark.parametrize(("cell", "rest", "marker"), NAMES)
def test_a_death_marker_in_a_name_cell(cell: str, rest: str, marker: str | None) -> None:
    assert split_name_marker(cell) == (rest, marker)


def test_the_name_check_strips_the_marker_and_says_why() -> None:
    verdict = name.check("DUPONT (DCD)", part="last")
    assert verdict.ok and verdict.normalised == "Dupont"
    assert verdict.details["deceased"] == "(DCD)" and "deceased_marker" in verdict.flags
    alone = name.check("DCD", part="last")
    assert alone.status.value == "invalid" and alone.details["deceased"] == "DCD"
    assert "deceased" not in name.check("Dupont", part="last").details
    # surnames that are death words: Défunt, Mort, Lemort are names
    for surname in ("Défunt", "Mort", "Lemort", "Deces"):
        assert name.check(surname, part="last").ok, surname


@given(st.text(max_size=80))
def test_the_readers_never_raise(text: str) -> None:
    assert isinstance(says_deceased(text), bool)
    death_date_in(text)
    check_flag(text)
    check_date(text)
    says_returned_as_deceased(text)
    rest, marker = split_name_marker(text)
    assert marker is None or rest.strip()


_SURNAMES = st.from_regex(r"[A-Z][a-zéèï]{1,12}(?:-[A-Z][a-z]{1,8})?", fullmatch=True)
_MARKERS = st.sampled_from(["(DCD)", "(décédé)", "[décédée]", "- décédé", "- DCD", "DCD", "†"])


@given(_SURNAMES, _MARKERS)
def test_a_marked_name_gives_back_the_name(surname: str, marker: str) -> None:
    rest, found = split_name_marker(f"{surname} {marker}")
    assert rest == surname and found is not None and found in marker
    # the name without its marker has none left: reading it again changes nothing
    assert split_name_marker(rest) == (rest, None)


@given(_SURNAMES)
def test_a_plain_name_has_no_marker(surname: str) -> None:
    assert split_name_marker(surname) == (surname, None)


@given(st.sampled_from([n for n, dead, _ in NOTES if dead]))
def test_a_death_note_after_other_words_is_still_a_death(note: str) -> None:
    # "RAS. Client décédé": what precedes the sentence changes nothing
    assert says_deceased(f"Appel du 02/01. {note}")


def test_every_death_word_of_a_flag_column_is_a_yes() -> None:
    for word in deceased.DEATH_WORDS:
        assert check_flag(word).normalised == "true", word
