"""Checks of the simple kinds (carnet.fields.values): yes/no values of consent flags."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.catalog import MARITAL_STATUSES, default_catalog
from carnet.fields.name import split_civility
from carnet.fields.values import check_value, checker_for
from carnet.fields.verdict import Status, without_text_marker
from carnet.ingest.verdicts import ColumnChecker

CHECK_FLAG = checker_for(default_catalog()["optin_newsletter"], "FR")
CHECK_GENDER = checker_for(default_catalog()["gender"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Oui", "true"), ("non", "false"), ("X", "true"), ("1", "true"), ("0", "false"),
        ("Abonnée", "true"), ("abonné(e)", "true"), ("Inscrite", "true"), ("Accepté", "true"),
        ("subscribed", "true"), ("✓", "true"), (" ✔ ", "true"), ("☑", "true"),
        ("Désabonné", "false"), ("désinscrite", "false"), ("Non inscrit", "false"),
        ("Non-abonnée", "false"), ("Refusé", "false"), ("unsubscribed", "false"),
        ("✗", "false"), ("☐", "false"), ("not_subscribed", "false"),
        ("Opted in", "true"), ("opted_out", "false"), ("No consent", "false"),
    ],
)
def test_yes_no_values(raw: str, value: str) -> None:
    verdict = CHECK_FLAG(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)


@pytest.mark.parametrize("raw", ["pending", "cleaned", "-", "peut-être", "?", "abonnement"])
def test_an_unknown_word_is_never_read_as_a_consent(raw: str) -> None:
    verdict = CHECK_FLAG(raw)
    assert verdict.status is Status.INVALID and verdict.normalised is None


@given(st.text(max_size=20))
def test_a_flag_check_never_raises(raw: str) -> None:
    verdict = CHECK_FLAG(raw)
    assert verdict.normalised in (None, "true", "false")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        # a ticked form box exports its own label; an answer in words opens with it
        ("J'accepte de recevoir la newsletter", "true"),
        ("Oui, je souhaite recevoir vos offres", "true"),
        ("I agree to receive marketing emails", "true"),
        ("yes please", "true"),
        ("Non merci", "false"),
        ("No thanks", "false"),
        ("Je ne souhaite pas recevoir d'offres", "false"),
        ("Non, je n'accepte pas", "false"),
    ],
)
def test_a_flag_answered_in_words(raw: str, value: str) -> None:
    assert (CHECK_FLAG(raw).status, CHECK_FLAG(raw).normalised) == (Status.VALID, value)
    assert CHECK_FLAG("Peut-être").status is Status.INVALID


CHECK_NPAI = checker_for(default_catalog()["npai"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("X", "true"), ("oui", "true"), ("NPAI", "true"), ("P.N.D.", "true"),
     ("12/03/2024", "true"), ("non", "false"), ("0", "false")],
)
def test_an_npai_cell_says_whether_mail_came_back(raw: str, value: str) -> None:
    verdict = CHECK_NPAI(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)


def test_an_npai_date_is_kept() -> None:
    assert CHECK_NPAI("12/03/2024").details["date"] == "2024-03-12"
    assert CHECK_NPAI("peut-être").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "value"),
    [("F", "female"), ("Homme", "male"), ("Mme", "female"), ("X", "other"),
     # INSEE's sex code (the first digit of a social security number)
     ("1", "male"), ("2", "female")],
)
def test_gender_values(raw: str, value: str) -> None:
    assert CHECK_GENDER(raw).normalised == value


@pytest.mark.parametrize("raw", ["NC", "N.C.", "Non communiqué", "?", "Ne se prononce pas"])
def test_a_gender_not_given_is_no_value_rather_than_an_invalid_one(raw: str) -> None:
    assert CHECK_GENDER(raw).status is Status.EMPTY


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Marié(e)", "married"), ("MARIEE", "married"), ("Célibataire", "single"),
     ("Pacsé(e)", "civil_partnership"), ("PACS", "civil_partnership"),
     ("Union libre", "cohabiting"), ("Concubinage", "cohabiting"), ("Divorcé", "divorced"),
     ("Séparée", "separated"), ("Veuf(ve)", "widowed"), ("Veuve", "widowed"),
     ("married", "married"), ("civil_partnership", "civil_partnership")],
)
def test_a_household_situation_is_one_of_the_statuses(raw: str, value: str) -> None:
    verdict = check_value(CATALOG["marital_status"], raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)
    # and what it gives reads as itself
    assert check_value(CATALOG["marital_status"], value).normalised == value


@pytest.mark.parametrize("raw", ["NC", "Non communiqué"])
def test_a_household_situation_not_given_is_no_value(raw: str) -> None:
    assert check_value(CATALOG["marital_status"], raw).status is Status.EMPTY


@given(st.text(max_size=30))
def test_the_household_situation_check_never_raises(raw: str) -> None:
    verdict = check_value(CATALOG["marital_status"], raw)
    assert verdict.normalised is None or verdict.normalised in MARITAL_STATUSES


# -- cells that say there is no value ------------------------------------------------------

CATALOG = default_catalog()
_NO_VALUE_WORDS = [
    "néant", "NEANT", "aucun", "Inconnu", "RAS", "non communiqué", "Non renseigné", "NC",
    "pas d'email", "pas d’e-mail", "à compléter", "A COMPLETER", "n/a",
]


@pytest.mark.parametrize("field", ["email", "phone", "postcode", "city", "last_name", "siret"])
@pytest.mark.parametrize("raw", [*_NO_VALUE_WORDS, "0", "x", "XX", "/"])
def test_a_cell_saying_no_value_is_empty_in_text_like_fields(field: str, raw: str) -> None:
    verdict = check_value(CATALOG[field], raw)
    assert (verdict.status, verdict.normalised, verdict.raw) == (Status.EMPTY, None, raw)


@pytest.mark.parametrize(
    ("field", "raw", "normalised"),
    [
        ("optin_newsletter", "0", "false"),
        ("optin_newsletter", "X", "true"),
        ("gender", "X", "other"),
        ("size_band", "0", "0"),
    ],
)
def test_zero_and_x_stay_values_where_they_mean_something(
    field: str, raw: str, normalised: str
) -> None:
    verdict = check_value(CATALOG[field], raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)


@pytest.mark.parametrize("field", ["email", "phone", "postcode", "city", "optin_newsletter"])
@pytest.mark.parametrize(
    "raw", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#n/a"]
)
def test_an_excel_error_is_empty_and_flagged(field: str, raw: str) -> None:
    verdict = check_value(CATALOG[field], raw)
    assert (verdict.status, verdict.normalised) == (Status.EMPTY, None)
    assert verdict.flags == {"spreadsheet_error"}
    assert raw.upper() in verdict.reasons[0]


@pytest.mark.parametrize("field", ["email", "phone", "postcode", "city", "optin_newsletter"])
def test_the_column_check_says_no_value_as_the_one_by_one_check(field: str) -> None:
    values = [*_NO_VALUE_WORDS, "0", "x", "/", "#VALUE!", "#N/A", "Lyon", "1"]
    column = ColumnChecker(CATALOG[field], "FR").column(values)
    assert column == [check_value(CATALOG[field], v) for v in values]


# -- Excel's ways of keeping a leading zero -------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw", "normalised"),
    [
        ("postcode", '="01000"', "01000"),
        ("postcode", "'01000", "01000"),
        ("phone", '="0612345678"', "+33612345678"),
        ("siret", '="73282932000074"', "73282932000074"),
        ("last_name", '="Dupont"', "Dupont"),
    ],
)
def test_excel_text_formula_is_undone_for_every_kind(
    field: str, raw: str, normalised: str
) -> None:
    verdict = check_value(CATALOG[field], raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)
    assert ColumnChecker(CATALOG[field], "FR").column([raw]) == [verdict]


def test_a_real_formula_is_not_taken_for_text() -> None:
    assert without_text_marker("=A1&B1") == "=A1&B1"
    assert without_text_marker('="a"&"b"') == '="a"&"b"'
    assert check_value(CATALOG["postcode"], "=A1").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "normalised", "flags"),
    [("10452.0", "10452", {"repaired"}), ("C-10452", "C-10452", set()), ("12.5", "12.5", set())],
)
def test_identifiers_lose_the_float_tail_a_spreadsheet_adds(
    raw: str, normalised: str, flags: set[str]
) -> None:
    verdict = check_value(CATALOG["external_id"], raw)
    assert (verdict.status, verdict.normalised, verdict.flags) == (Status.VALID, normalised, flags)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ('["vip","newsletter"]', "vip;newsletter"),
        ('["vélo, VTT","cuisine"]', "vélo, VTT;cuisine"),
        ("vip, b2b", "vip;b2b"),
    ],
)
def test_tags_from_a_json_list_are_its_items(raw: str, normalised: str) -> None:
    verdict = check_value(CATALOG["tags"], raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)


def test_an_empty_json_list_is_no_tag() -> None:
    assert check_value(CATALOG["tags"], "[]").status is Status.EMPTY


CHECK_NPS = checker_for(default_catalog()["nps"], "FR")
CHECK_QUANTITY = checker_for(default_catalog()["quantity"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("9", "9"), ("9/10", "9"), ("9 / 10", "9"), ("9.0", "9"), ("0", "0"),
     ("10 - Extrêmement probable", "10"), ("0 : Pas du tout probable", "0"),
     ("7 (Plutôt probable)", "7")],
)
def test_an_nps_score_in_the_forms_of_survey_exports(raw: str, value: str) -> None:
    verdict = CHECK_NPS(raw)
    assert (verdict.ok, verdict.normalised) == (True, value)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("7,5", "decimal part"), ("Très probable", "from 0 to 10"), ("11", "from 0 to 10"),
     ("9/5", "out of 5"), ("-1", "from 0 to 10")],
)
def test_an_nps_that_is_no_score_from_0_to_10_is_invalid_and_says_why(
    raw: str, reason: str
) -> None:
    verdict = CHECK_NPS(raw)
    assert verdict.status is Status.INVALID and verdict.normalised is None
    assert reason in verdict.reasons[0]


def test_a_quantity_is_a_whole_number_without_a_scale() -> None:
    assert CHECK_QUANTITY("3.0").normalised == "3"
    assert CHECK_QUANTITY("1 200").normalised == "1200"
    assert "decimal part" in CHECK_QUANTITY("2,5").reasons[0]
    assert CHECK_QUANTITY("9/10").status is Status.INVALID  # a fraction is no quantity


@given(st.text(max_size=20))
def test_an_nps_check_never_raises_and_keeps_its_value(raw: str) -> None:
    verdict = CHECK_NPS(raw)
    if verdict.ok:
        assert verdict.normalised is not None
        assert CHECK_NPS(verdict.normalised).normalised == verdict.normalised


CHECK_NOTE = checker_for(default_catalog()["call_note"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Ligne 1\nLigne 2", "Ligne 1\nLigne 2"),
     ("Rappeler  \r\nlundi\r\n", "Rappeler\nlundi"),
     ("A\n\nB", "A\n\nB"),
     ("A\n\n\n\n\n\nB", "A\n\nB"),
     ("\n  Retour client  \n", "Retour client")],
)
def test_a_note_keeps_its_lines(raw: str, value: str) -> None:
    verdict = CHECK_NOTE(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)


def test_a_long_note_is_kept_and_a_too_long_one_keeps_its_start_flagged() -> None:
    note = "Client rappelé au sujet de sa commande. " * 17  # 680 characters
    assert CHECK_NOTE(note).status is Status.VALID
    assert CHECK_NOTE(note).normalised == note.strip()
    huge = "mot " * 3000
    verdict = check_value(default_catalog()["survey_comment"], huge)
    assert verdict.status is Status.WARNING and "truncated" in verdict.flags
    assert verdict.normalised == huge[:10_000].rstrip() and verdict.raw == huge
    assert CHECK_NOTE(verdict.normalised).normalised == verdict.normalised


def test_names_and_titles_stay_on_one_line() -> None:
    assert check_value(default_catalog()["job_title"], "Chef\nde projet").normalised == (
        "Chef de projet"
    )
    assert check_value(default_catalog()["event_name"], "x" * 600).status is Status.INVALID


@given(st.text(max_size=40))
def test_a_note_check_is_idempotent(raw: str) -> None:
    verdict = CHECK_NOTE(raw)
    if verdict.ok:
        assert verdict.normalised is not None
        assert CHECK_NOTE(verdict.normalised).normalised == verdict.normalised


CHECK_TAGS = checker_for(default_catalog()["tags"], "FR")


@pytest.mark.parametrize(
    ("raw", "value"),
    [('"VIP","Salon 2023"', "VIP;Salon 2023"),  # Mailchimp's TAGS
     ('"VIP", "Salon 2023/2024"', "VIP;Salon 2023/2024"),
     ("Salon 2023/2024", "Salon 2023/2024"),
     ("VIP; Salon 2023/2024", "VIP;Salon 2023/2024"),
     ("VIP; promo/soldes", "VIP;promo/soldes"),
     ("sport/musique", "sport;musique"),
     ("sport / musique / 2024", "sport;musique;2024"),
     ("vip, newsletter | promo", "vip;newsletter;promo"),
     ('"Paris; Lyon",VIP', "Paris, Lyon;VIP"),
     # Google Contacts' labels: its "*" system groups, "myContacts" saying nothing
     ("* myContacts ::: Clients ::: * starred", "Clients;starred"),
     ("Clients ::: Salon 2023", "Clients;Salon 2023"),
     ('"ouvert, VIP', '"ouvert;VIP')],  # a quote never closed is a character
)
def test_tags_split_on_their_separators_and_lose_their_quotes(raw: str, value: str) -> None:
    verdict = CHECK_TAGS(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, value)
    # checked again, the stored form is the same list: a ";" cell keeps its commas
    assert CHECK_TAGS(value).normalised == value


def test_quoted_empty_tags_are_no_tag() -> None:
    assert CHECK_TAGS('"",""').status is Status.EMPTY


def test_google_contacts_own_group_alone_is_no_tag() -> None:
    assert CHECK_TAGS("* myContacts").status is Status.EMPTY


CHECK_PCS = checker_for(default_catalog()["pcs"], "FR")


@pytest.mark.parametrize(
    ("raw", "group"),
    [("Agriculteur", "1"), ("agricultrice", "1"), ("Artisan", "2"), ("Commerçante", "2"),
     ("Chef d'entreprise", "2"), ("Cheffes d’entreprise", "2"), ("Cadre", "3"),
     ("CADRES", "3"), ("Profession libérale", "3"), ("Technicien", "4"), ("Employé", "5"),
     ("employée", "5"), ("Employé(e)s", "5"), ("Ouvrier", "6"), ("ouvrières", "6"),
     ("Retraité", "7"), ("RETRAITÉES", "7"), ("Étudiant", "8"), ("étudiantes", "8"),
     ("Sans emploi", "8"), ("Demandeur d'emploi", "8"), ("demandeuse d’emploi", "8"),
     ("Au foyer", "8"),
     # the catalog's labels without their code, the codes with or without their label
     ("Cadres et professions intellectuelles supérieures", "3"),
     ("Artisans, commerçants et chefs d'entreprise", "2"), ("professions intermédiaires", "4"),
     ("5", "5"), ("37", "3"), ("5 Employés", "5")],
)
def test_a_pcs_group_from_its_code_its_label_or_a_common_word(raw: str, group: str) -> None:
    verdict = CHECK_PCS(raw)
    assert verdict.status is Status.VALID and verdict.normalised is not None
    assert verdict.normalised[0] == group
    assert verdict.normalised in default_catalog()["pcs"].choices
    assert CHECK_PCS(verdict.normalised).normalised == verdict.normalised


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("Fonctionnaire", "no single"), ("Salariée", "no single"), ("Astronaute", "PCS code"),
     ("9", "PCS code")],
)
def test_a_word_naming_no_pcs_group_is_invalid_and_says_why(raw: str, reason: str) -> None:
    verdict = CHECK_PCS(raw)
    assert verdict.status is Status.INVALID and reason in verdict.reasons[0]


CHECK_SIZE = checker_for(default_catalog()["size_band"], "FR")


@pytest.mark.parametrize(
    ("raw", "band", "range_"),
    [("10 à 19 salariés", "10-49", "10-19"), ("1 000 à 1 999", "250-4999", "1000-1999"),
     ("5 000 et plus", "5000+", None), ("Non employeuse", "0", None), ("NN", "0", None),
     ("0 salarié", "0", None), ("ETI", "250-4999", None), ("12.0", "10-49", "12"),
     ("de 1 à 9", "1-9", None), ("250 - 4 999", "250-4999", None)],
)
def test_a_size_band_only_when_the_range_fits_inside_one(
    raw: str, band: str, range_: str | None
) -> None:
    verdict = CHECK_SIZE(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, band)
    assert verdict.details.get("range") == range_
    assert CHECK_SIZE(band).normalised == band and not CHECK_SIZE(band).details


@pytest.mark.parametrize(
    ("raw", "spans"),
    [("50 et plus", "50-249, 250-4999, 5000+"), ("TPE", "0, 1-9"), ("moins de 50", "0, 1-9, 10-49"),
     ("plus de 200", "50-249, 250-4999, 5000+")],
)
def test_a_size_range_across_bands_is_invalid_and_names_them(raw: str, spans: str) -> None:
    verdict = CHECK_SIZE(raw)
    assert verdict.status is Status.INVALID and verdict.reasons[0].endswith(spans)


CHECK_COUNTRY = checker_for(default_catalog()["country"], "FR")


@pytest.mark.parametrize(
    ("raw", "code"),
    [("F", "FR"), ("France (FR)", "FR"), ("Belgique [BE]", "BE"), ("FR - France", "FR"),
     ("Allemagne (DEU)", "DE"), ("DOM", "FR"), ("DOM-TOM", "FR"), ("Dom Tom", "FR"),
     ("TOM", "FR"), ("Outre-mer", "FR"), ("République dominicaine", "DO"), ("DO", "DO")],
)
def test_a_country_as_french_files_write_it(raw: str, code: str) -> None:
    verdict = CHECK_COUNTRY(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, code)


def test_the_french_overseas_as_a_whole_are_france_and_say_so() -> None:
    assert "overseas" in CHECK_COUNTRY("DOM-TOM").reasons[0]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("France (BE)", "the name says FR and the code BE"), ("Atlantide (AT)", "not a known"),
     ("B", "not a known"), ("E", "not a known"), ("Xx (FR)", "not a known")],
)
def test_a_country_stays_strict_otherwise(raw: str, reason: str) -> None:
    verdict = CHECK_COUNTRY(raw)
    assert verdict.status is Status.INVALID and reason in verdict.reasons[0]


CHECK_BIRTH_YEAR = checker_for(default_catalog()["birth_year"], "FR")


@pytest.mark.parametrize(
    ("raw", "year"),
    [("1985", "1985"), (" 1985 ", "1985"), ("1985.0", "1985"), ("85", "1985"),
     ("12/03/1985", "1985"), ("1985-03-12", "1985")],
)
def test_a_birth_year_in_the_forms_files_give(raw: str, year: str) -> None:
    verdict = CHECK_BIRTH_YEAR(raw)
    assert (verdict.ok, verdict.normalised) == (True, year)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("1850", "over 120"), ("2999", "ahead"), ("environ 1980", "four digits"),
     ("5", "four digits"), ("19850", "four digits")],
)
def test_what_is_no_plausible_birth_year_is_invalid_and_says_why(raw: str, reason: str) -> None:
    verdict = CHECK_BIRTH_YEAR(raw)
    assert verdict.status is Status.INVALID and reason in verdict.reasons[0]


@given(st.text(max_size=12))
def test_a_birth_year_check_never_raises_and_is_idempotent(raw: str) -> None:
    verdict = check_value(CATALOG["birth_year"], raw, country="FR")
    if verdict.ok:
        assert verdict.normalised is not None
        assert CHECK_BIRTH_YEAR(verdict.normalised).normalised == verdict.normalised


@pytest.mark.parametrize(
    ("raw", "civility"),
    [("Mx", "Mx"), ("H", "M."), ("F", "Mme"), ("Homme", "M."), ("Femme", "Mme"),
     ("Herr", "M."), ("Frau", "Mme"), ("Sra", "Mme"), ("Mademoiselle", "Mlle")],
)
def test_a_civility_column_holding_the_sex_or_a_neutral_form(raw: str, civility: str) -> None:
    verdict = checker_for(default_catalog()["civility"], "FR")(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, civility)


@pytest.mark.parametrize("raw", ["Madame, Monsieur", "M/Mme", "Monsieur ou Madame", "NC"])
def test_a_civility_column_that_does_not_know_is_empty(raw: str) -> None:
    assert checker_for(default_catalog()["civility"], "FR")(raw).status is Status.EMPTY


def test_a_sex_letter_before_a_name_is_an_initial_not_a_civility() -> None:
    assert split_civility("F Martin") == (None, "F Martin")


@pytest.mark.parametrize(
    ("raw", "civility"),
    [
        # before: "Mr & Mrs" was empty, like "M/Mme" (either): it is a couple
        ("Mr & Mrs", "M. et Mme"),
        ("Mr and Mrs", "M. et Mme"),
        # before: "not a known civility"
        ("Vve", "Mme"),
        ("Veuve", "Mme"),
        ("Madame Veuve", "Mme"),
    ],
)
def test_a_couple_or_a_widow_in_the_civility_column(raw: str, civility: str) -> None:
    verdict = checker_for(default_catalog()["civility"], "FR")(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, civility)


@pytest.mark.parametrize("raw", ["M/Mme", "Mr/Mrs", "Non précisé", "Pas de civilité"])
def test_either_or_unknown_civility_stays_empty(raw: str) -> None:
    assert checker_for(default_catalog()["civility"], "FR")(raw).status is Status.EMPTY


@given(st.integers(10**6, 10**15 - 1))
def test_an_id_excel_wrote_in_scientific_notation_is_refused_or_read_whole(number: int) -> None:
    """Excel's "4,11000E+11" of a customer number lost digits: refused, never taken as an
    id that other customers would share; a notation holding every digit gives them."""
    catalog = default_catalog()
    digits = str(number)
    shown = f"{number:.5E}".replace(".", ",")
    assert check_value(catalog["external_id"], shown).status is Status.INVALID
    whole = f"{digits[0]}.{digits[1:]}E+{len(digits) - 1}"
    assert check_value(catalog["external_id"], whole).normalised == digits


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        # pandas and R write every number of a column with a gap as a float
        ("1.0", "true"), ("0.0", "false"),
        # the answer, then when or how it was given
        ("Accepté le 12/03/2021", "true"), ("Inscrit depuis 2019", "true"),
        ("Subscribed on 2024-01-05", "true"), ("Refusé par téléphone", "false"),
        ("Désinscrit le 02/02/2024", "false"),
        # a marketer's words: an SMS list's STOP, the letterbox's "Pas de pub"
        ("STOP", "false"), ("Stop SMS", "false"), ("Refus", "false"), ("Pas de pub", "false"),
        ("N'accepte pas", "false"), ("Ne souhaite pas", "false"), ("Refus le 12/03/2021", "false"),
        ("Accord", "true"), ("D'accord", "true"), ("Autorisé", "true"),
    ],
)
def test_a_yes_or_no_with_a_float_s_decimals_or_its_date(raw: str, normalised: str) -> None:
    verdict = check_value(CATALOG["optin_newsletter"], raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, normalised)


def test_a_word_before_a_date_that_is_no_answer_stays_invalid() -> None:
    assert check_value(CATALOG["optin_newsletter"], "le 12/03/2021").status is Status.INVALID
    assert check_value(CATALOG["optin_newsletter"], "envoyé le 12/03").status is Status.INVALID


@pytest.mark.parametrize(
    ("raw", "normalised", "tax"),
    [
        ("€12,00 TTC", "12.00", "TTC"), ("12,00 € HT", "12.00", "HT"),
        ("1 234,56 H.T.", "1234.56", "HT"), ("45,90 EUR T.T.C.", "45.90", "TTC"),
    ],
)
def test_an_amount_with_its_tax_mention(raw: str, normalised: str, tax: str) -> None:
    """"€12,00 TTC" was "not a number"; the mention is kept in the details."""
    verdict = check_value(CATALOG["total_spent"], raw)
    assert (verdict.status, verdict.normalised, verdict.details["tax"]) == (
        Status.VALID, normalised, tax
    )
    assert check_value(CATALOG["total_spent"], "TTC").status is Status.INVALID
