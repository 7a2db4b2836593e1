"""Files that write the street over several columns (La Poste's RNVP layout, INSEE's
SIRENE, old CRMs): the street line is joined, matched and exported whole."""

from __future__ import annotations

import csv
from pathlib import Path

from carnet import Carnet

RNVP = (
    "Civilité;Nom;Prénom;N° voie;Ind. rép.;Type voie;Libellé voie;Complément;Code postal;"
    "Commune;Tél. domicile;Tél. travail\n"
    "M.;MARTIN;Jacques;12;B;RUE;DES LILAS;Bât. B;75011;PARIS;01 43 55 66 77;01 44 55 66 77\n"
    "Mme;PETIT;Anne;3;;AV;FOCH;;69003;LYON;;\n"
    "Mme;ROUX;Claire;;;;LIEU-DIT LES BORDES;;24200;SARLAT LA CANEDA;05 53 12 34 56;\n"
)
SIRENE = (
    "siret,denominationUniteLegale,numeroVoieEtablissement,indiceRepetitionEtablissement,"
    "typeVoieEtablissement,libelleVoieEtablissement,complementAdresseEtablissement,"
    "codePostalEtablissement,libelleCommuneEtablissement\n"
    "55210055400013,BOULANGERIE MARTIN,8,T,BD,GAMBETTA,ZA DU MOULIN,13001,MARSEILLE\n"
)


def _export(ws: Carnet, out: Path) -> list[dict[str, str]]:
    ws.export_contacts(out, fields=["last_name", "address_line1", "address_line2", "postcode",
                                    "city", "phone"])
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_the_street_columns_make_one_street_line(carnet: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "rnvp.csv"
    path.write_text(RNVP, encoding="cp1252")
    report = carnet.import_file(path)
    assert report.counts["inserted"] == 3
    rows = {r["last_name"]: r for r in _export(carnet, tmp_path / "out.csv")}
    assert rows["Martin"]["address_line1"] == "12 BIS RUE DES LILAS"
    assert rows["Martin"]["address_line2"] == "Bât. B"
    assert rows["Petit"]["address_line1"] == "3 AV FOCH"
    assert rows["Roux"]["address_line1"] == "LIEU-DIT LES BORDES"
    # "Tél. travail" is a phone, not a custom attribute
    martin = carnet.search_contacts("martin")[0]
    assert sorted(p.normalised for p in martin.phones) == ["+33143556677", "+33144556677"]
    assert "tel_travail" not in martin.attributes
    # nothing of the street is left behind as an attribute
    assert not {"n_voie", "type_voie", "libelle_voie"} & set(martin.attributes)
    # the same file again changes nothing
    again = carnet.import_file(path)
    assert again.counts["unchanged"] == 3


def test_another_file_writing_the_street_whole_gives_the_same_address(
    carnet: Carnet, tmp_path: Path
) -> None:
    (tmp_path / "rnvp.csv").write_text(RNVP, encoding="utf-8")
    carnet.import_file(tmp_path / "rnvp.csv")
    shop = tmp_path / "boutique.csv"
    shop.write_text("Nom;Prénom;Adresse;CP;Ville\nMartin;Jacques;12 bis rue des Lilas;75011;"
                    "Paris\n", encoding="utf-8")
    carnet.import_file(shop)
    # (name and address are no exact key: the duplicate search joins the two contacts,
    # on the address key they now share)
    keys = {c.addresses[0].normalised for c in carnet.search_contacts("martin")}
    assert keys == {"12 BIS RUE DES LILAS|75011|PARIS|FR"}


def test_sirene_columns_give_the_establishment_address(carnet: Carnet, tmp_path: Path) -> None:
    path = tmp_path / "sirene.csv"
    path.write_text(SIRENE, encoding="utf-8")
    report = carnet.preview_import(path)
    assert {k: v for k, v in report.mapping.to_json().items() if "Etablissement" in k} == {
        "numeroVoieEtablissement": "street_number",
        "indiceRepetitionEtablissement": "street_repetition",
        "typeVoieEtablissement": "street_type",
        "libelleVoieEtablissement": "street_name",
        "complementAdresseEtablissement": "address_line2",
        "codePostalEtablissement": "postcode",
        "libelleCommuneEtablissement": "city",
    }
