"""The engine: training, scoring, explanations, households, clustering, JSON."""

from __future__ import annotations

import math
from dataclasses import replace

import polars as pl
import pytest

from carnet.match import (
    BlockingRule,
    Matcher,
    MatchInputError,
    MatchModel,
    MatchModelError,
    MatchSettings,
    MatchSettingsError,
    explain,
)
from carnet.match.clustering import connected_components
from carnet.match.comparisons import BOTH_NAMES, OTHER_BIRTH_NAMES

from .conftest import frame, record


def score(
    matcher: Matcher, model: MatchModel, a: dict[str, object], b: dict[str, object]
) -> pl.DataFrame:
    return matcher.predict(frame(a, b), model, threshold=1e-12)


def guard_label(pairs: pl.DataFrame, model: MatchModel) -> str:
    """The guard line of the first pair's explanation."""
    reasons = {name: label for name, label, _ in explain(pairs.row(0, named=True), model)}
    return reasons["household_guard"]


def prob(matcher: Matcher, model: MatchModel, a: dict[str, object], b: dict[str, object]) -> float:
    pairs = score(matcher, model, a, b)
    return float(pairs["probability"][0]) if pairs.height else 0.0


def test_settings_collect_every_problem() -> None:
    with pytest.raises(MatchSettingsError) as err:
        MatchSettings(
            review_threshold=0.95,
            match_threshold=0.9,
            u_sample_pairs=10,
            blocking_rules=(
                BlockingRule(("nope",)),
                BlockingRule(("fn", "ln", "dob"), unordered=True),
            ),
        )
    problems = err.value.problems
    assert len(problems) == 4
    assert any("nope" in p for p in problems)


def test_bad_input() -> None:
    with pytest.raises(MatchInputError, match="record_id"):
        Matcher().train(pl.DataFrame({"first_name": ["a"]}))
    with pytest.raises(MatchInputError, match="not unique"):
        Matcher().train(pl.DataFrame({"record_id": [1, 1]}))


def test_training_recovers_sane_weights(model: MatchModel) -> None:
    weights = {(r["comparison"], r["level"]): r["weight"] for r in model.describe()}
    assert weights[("birth_date", "birth date exact")] > 5
    assert weights[("birth_date", "birth date different")] < 0
    assert weights[("first_name", "first name different")] < 0
    assert 0 < model.prior < 0.01


def test_finds_the_duplicates(
    matcher: Matcher, model: MatchModel, population: pl.DataFrame
) -> None:
    pairs = matcher.predict(population, model)
    clusters = matcher.cluster(pairs, records=population)
    # 300 people have a clean record and a noisy copy (sources a and b)
    sizes = (
        clusters.join(population.select("record_id", "source"), on="record_id")
        .group_by("cluster_id")
        .agg(pl.len(), pl.col("source").n_unique().alias("sources"))
    )
    found = sizes.filter((pl.col("len") == 2) & (pl.col("sources") == 2)).height
    assert found >= 0.9 * 300
    assert sizes["len"].max() == 2


def test_explanations_add_up(matcher: Matcher, model: MatchModel, population: pl.DataFrame) -> None:
    pairs = matcher.predict(population, model, threshold=0.01)
    assert pairs.height > 100
    for row in pairs.head(50).iter_rows(named=True):
        parts = explain(row, model)
        assert math.isclose(sum(w for *_, w in parts), row["match_weight"], abs_tol=1e-6)
        assert parts[0][0] == "prior"
        labels = [label for _, label, _ in parts]
        assert all(isinstance(label, str) and label for label in labels)
        p = 2 ** row["match_weight"] / (1 + 2 ** row["match_weight"])
        assert math.isclose(p, row["probability"], rel_tol=1e-9)


PERSON = {
    "first_name": "Nicolas",
    "last_name": "Martin",
    "birth_date": "1975-04-12",
    "email": "nicolas.martin@gmail.com",
    "phone": "+33612345678",
    "postcode": "75011",
    "city": "Paris",
    "street": "12 rue Oberkampf",
}


def test_household_members_not_merged(matcher: Matcher, model: MatchModel) -> None:
    # same surname, address and landline, shared family e-mail; other first names
    home = {
        "last_name": "Martin",
        "postcode": "75011",
        "city": "Paris",
        "street": "12 rue Oberkampf",
        "phone": "+33143000000",
        "email": "famille.martin@orange.fr",
    }
    father = record(1, first_name="Nicolas", birth_date="1975-04-12", **home)
    daughter = record(2, first_name="Julie", birth_date="2004-09-30", **home)
    pairs = score(matcher, model, father, daughter)
    assert pairs.height == 1
    assert pairs["probability"][0] < 0.01
    assert pairs["household_guard_weight"][0] < 0
    assert guard_label(pairs, model).startswith("first names differ")
    # the shared e-mail alone, different first names: not enough either
    a = record(3, first_name="Nicolas", email="famille.martin@orange.fr")
    b = record(4, first_name="Julie", email="famille.martin@orange.fr")
    assert prob(matcher, model, a, b) < 0.01


def test_one_person_whose_first_name_no_rule_reads_is_not_guarded(
    matcher: Matcher, model: MatchModel
) -> None:
    """Other first names, but the birth date, the mobile and the e-mail agree: one
    person written two ways ("Fanny" is no listed nickname), not a household."""
    same = {**PERSON, "first_name": None}
    a = record(1, **{**same, "first_name": "Stéphanie"})
    b = record(2, **{**same, "first_name": "Fanny"})
    pairs = score(matcher, model, a, b)
    assert pairs["household_guard_weight"][0] == 0.0
    assert float(pairs["probability"][0]) > 0.99
    # the same two without the birth date stay guarded: a couple may share both
    c = record(3, **{**same, "first_name": "Stéphanie", "birth_date": None})
    d = record(4, **{**same, "first_name": "Fanny", "birth_date": None})
    assert guard_label(score(matcher, model, c, d), model).startswith("first names differ")


def test_a_diminutive_weighs_at_least_as_the_name_itself(
    matcher: Matcher, model: MatchModel
) -> None:
    """Cathy is Catherine, Anne-So is Anne-Sophie, Guigui is Guillaume in the last-name
    field: each weighs at least what the first name written alike weighs. EM on a
    small file sees too few of them (rarer still among the pairs of one birth date it
    trains on) and once gave them less than nothing."""
    exact = model.level_weights(matcher.settings.comparisons[0])[0]
    pairs = [
        ({"first_name": "Cathy"}, {"first_name": "Catherine"}, "first name nickname"),
        ({"first_name": "Anne-So"}, {"first_name": "Anne-Sophie"}, "first name shortened"),
        (
            {"first_name": "Martin", "last_name": "Guigui"},
            {"first_name": "Guillaume", "last_name": "Martin"},
            "first name in the other's last-name field",
        ),
    ]
    for i, (a, b, label) in enumerate(pairs):
        same = {"last_name": "Lebreton", "email": f"c.lebreton{i}@orange.fr"}
        found = score(matcher, model, record(1, **{**same, **a}), record(2, **{**same, **b}))
        assert found["first_name_level"][0] == label
        assert found["first_name_weight"][0] >= exact - 1e-9


def test_a_diminutive_keeps_a_weight_above_the_name_s(matcher: Matcher, model: MatchModel) -> None:
    """The floor is a floor: where EM finds diminutives rarer among different people
    than the name itself (a file of many Cathys), they keep their own weight."""
    comp = matcher.settings.comparisons[0]
    labels = [lvl.label for lvl in comp.levels]
    nick = labels.index("first name nickname")
    for scale in (1e-3, 50.0):
        m = list(model.m["first_name"])
        m[nick] = min(0.5, m[nick] * scale)
        total = sum(m)
        tuned = replace(model, m={**model.m, "first_name": [x / total for x in m]})
        weights = tuned.level_weights(comp)
        same = {"last_name": "Lebreton", "email": "c.lebreton@orange.fr"}
        found = score(
            matcher,
            tuned,
            record(1, first_name="Cathy", **same),
            record(2, first_name="Catherine", **same),
        )
        assert (weights[nick] > weights[0]) is (scale > 1)
        assert found["first_name_weight"][0] == pytest.approx(max(weights[nick], weights[0]))


def test_alike_first_names_with_the_email_and_the_mobile_in_common_are_one_person(
    matcher: Matcher, model: MatchModel
) -> None:
    """Samira ~ Samia (two names, only alike): with no birth date, the e-mail and the
    mobile in common make one person; the e-mail alone, a family mailbox, does not."""
    same = {"last_name": "Bernard", "email": "samiraber90@wanadoo.fr", "phone": "+33612345678"}
    a = record(1, first_name="Samira", **same)
    b = record(2, first_name="Samia", **same)
    pairs = score(matcher, model, a, b)
    assert pairs["household_guard_weight"][0] == 0.0
    assert float(pairs["probability"][0]) > 0.9
    c = record(3, first_name="Élise", last_name="Martin", email="famille.martin@orange.fr")
    d = record(4, first_name="Éloïse", last_name="Martin", email="famille.martin@orange.fr")
    assert guard_label(score(matcher, model, c, d), model).startswith("first names only alike")


def test_twins_louis_and_louise_not_merged(matcher: Matcher, model: MatchModel) -> None:
    """Born the same day at one address, a man's and a woman's form of one name,
    each with an own mobile and e-mail: twins, not one person."""
    home = {
        "last_name": "Girard",
        "birth_date": "1988-12-06",
        "postcode": "45000",
        "city": "Orléans",
        "street": "11 rue de la République",
    }
    louis = record(
        1, first_name="Louis", phone="+33774882936", email="louisgirard@hotmail.fr", **home
    )
    louise = record(
        2, first_name="Louise", phone="+33621287796", email="louise.girard@free.fr", **home
    )
    pairs = score(matcher, model, louis, louise)
    assert float(pairs["probability"][0]) < 0.01
    # two names in their own right weigh as different names
    assert pairs["first_name_weight"][0] == pytest.approx(
        score(matcher, model, louis, {**louise, "first_name": "Nadia"})["first_name_weight"][0]
    )
    # the same pair sharing a family landline: what the household shares is capped
    home_phone = {"phone": "+33238000000"}
    pairs = score(matcher, model, {**louis, **home_phone}, {**louise, **home_phone})
    assert float(pairs["probability"][0]) < 0.01
    assert guard_label(pairs, model).startswith("a man's and a woman's first names")


def test_twins_given_their_mothers_mobile_not_merged(matcher: Matcher, model: MatchModel) -> None:
    """Camille and Clément Petit, born the same day at one address, both given their
    mother's mobile: two names of their own, twins. Stéphanie called Fanny, with her
    e-mail and her mobile, stays one person (test above)."""
    home = {
        "last_name": "Petit",
        "birth_date": "2004-10-10",
        "postcode": "21000",
        "city": "Dijon",
        "street": "14 rue Saint-Jean",
        "phone": "+33611223344",
    }
    camille = record(1, first_name="Camille", **home)
    clement = record(2, first_name="Clément", **home)
    pairs = score(matcher, model, camille, clement)
    assert float(pairs["probability"][0]) < 0.01  # 1.0 before the guard knew twins
    assert guard_label(pairs, model).startswith("two first names of their own")
    # a first name no list knows (Sopphie) with the mobile and the birth date: one person
    sophie = record(3, first_name="Sophie", **home)
    sopphie = record(4, first_name="Sopphie", **home)
    assert prob(matcher, model, sophie, sopphie) > 0.9


def test_a_family_mailbox_is_not_one_persons(matcher: Matcher, model: MatchModel) -> None:
    """Jean Dupont, his son Jean and his wife Marie all hold famille.dupont@free.fr, with
    the home landline: the father and the son, born 31 years apart, are two people, and
    so are the twins of the Moreau family on their mailbox."""
    home = {
        "last_name": "Dupont",
        "email": "famille.dupont@free.fr",
        "phone": "+33143551290",
        "postcode": "75011",
        "city": "Paris",
        "street": "8 rue Oberkampf",
    }
    father = record(1, first_name="Jean", birth_date="1952-03-03", **home)
    son = record(2, first_name="Jean", birth_date="1983-10-25", **home)
    mother = record(3, first_name="Marie", birth_date="1955-08-19", **home)
    pairs = matcher.predict(frame(father, son, mother), model, threshold=1e-12)
    fs = pairs.filter((pl.col("record_id_l") == 1) & (pl.col("record_id_r") == 2))
    assert str(fs["email_level"][0]) == "email exact, a shared mailbox"
    assert float(fs["probability"][0]) < 0.01  # 1.0 when the mailbox counted as his
    assert guard_label(fs, model).startswith("birth dates differ")
    assert pairs["probability"].max() < 0.01  # type: ignore[operator]
    tribe = {**home, "last_name": "Moreau", "email": "moreau.tribu@orange.fr"}
    twins = [
        record(i, first_name=name, birth_date="2008-06-02", **tribe)
        for i, name in enumerate(("Lucas", "Léa", "Théo"), start=1)
    ]
    assert matcher.predict(frame(*twins), model, threshold=0.5).height == 0


def test_a_role_mailbox_is_what_colleagues_share(matcher: Matcher, model: MatchModel) -> None:
    """Acme's contact@ and switchboard: Marie Leroy (who also gave her own e-mail) and
    Marie Lambert are colleagues, and so are Marie and Marc Leroy of the family firm."""
    office = {
        "siren": "732829320",
        "phone": "+33472001122",
        "postcode": "69002",
        "city": "Lyon",
        "street": "1 rue de la Bourse",
    }
    leroy = record(1, first_name="Marie", last_name="Leroy", **office)
    lambert = record(2, first_name="Marie", last_name="Lambert", **office)
    marc = record(3, first_name="Marc", last_name="Leroy", **office)
    records = frame(leroy, lambert, marc).with_columns(
        pl.Series(
            "emails",
            [["m.leroy@acme.fr", "contact@acme.fr"], ["contact@acme.fr"], ["contact@acme.fr"]],
        )
    )
    pairs = matcher.predict(records, model, threshold=1e-12)
    assert pairs.height == 3
    assert pairs["probability"].max() < 0.5  # type: ignore[operator]
    leroy_lambert = pairs.filter(pl.col("record_id_r") == 2)
    assert "colleagues" in guard_label(leroy_lambert, model)
    # Marie Leroy's own e-mail on both records is hers: the workplace guard spares it
    own = frame(leroy, record(4, first_name="Marie", last_name="Lambert", **office))
    own = own.with_columns(pl.Series("emails", [["m.leroy@acme.fr"], ["m.leroy@acme.fr"]]))
    assert float(matcher.predict(own, model, threshold=1e-12)["probability"][0]) > 0.9


def test_jean_and_jeanne_at_one_address_not_merged(matcher: Matcher, model: MatchModel) -> None:
    home = {
        "last_name": "Martin",
        "postcode": "75011",
        "street": "12 rue Oberkampf",
        "phone": "+33143000000",
    }
    jean = record(1, first_name="Jean", birth_date="1950-01-01", **home)
    jeanne = record(2, first_name="Jeanne", birth_date="1953-06-09", **home)
    assert prob(matcher, model, jean, jeanne) < 0.5


def test_paul_and_pauline_on_the_family_mailbox_not_merged(
    matcher: Matcher, model: MatchModel
) -> None:
    # Paul is no short form of Pauline: a couple, not one person
    home = {"last_name": "Martin", "email": "famille.martin@orange.fr", "postcode": "75011"}
    paul = record(1, first_name="Paul", **home)
    pauline = record(2, first_name="Pauline", **home)
    assert prob(matcher, model, paul, pauline) < 0.5
    # nor is a woman's surname her husband's first name
    julie = record(3, first_name="Julie", last_name="Thomas", email="famille.thomas@free.fr")
    thomas = record(4, first_name="Thomas", email="famille.thomas@free.fr")
    assert prob(matcher, model, julie, thomas) < 0.5


def test_father_and_son_of_one_name_not_merged(matcher: Matcher, model: MatchModel) -> None:
    """One name, one address and landline, birth dates 39 years apart: two people."""
    home = {
        "first_name": "Fryderyk",
        "last_name": "Kerbrat",
        "postcode": "88500",
        "city": "Mirecourt",
        "street": "17 rue Jean Moulin",
        "phone": "+33329000000",
    }
    father = record(1, birth_date="1968-02-18", **home)
    son = record(2, birth_date="2007-06-30", **home)
    pairs = score(matcher, model, father, son)
    assert float(pairs["probability"][0]) < 0.01  # above 0.99 without the guard
    assert pairs["household_guard_weight"][0] < 0
    assert guard_label(pairs, model).startswith("birth dates differ")
    # one person whose birth date was mistyped keeps his own mobile: not guarded
    a = record(3, birth_date="1968-02-18", **{**home, "phone": "+33612345678"})
    b = record(4, birth_date="1986-12-08", **{**home, "phone": "+33612345678"})
    assert score(matcher, model, a, b)["household_guard_weight"][0] == 0.0


def test_colleagues_of_one_first_name_not_merged(matcher: Matcher, model: MatchModel) -> None:
    """Same first name, same company, its address and switchboard; other last names."""
    office = {
        "siren": "732829320",
        "postcode": "69003",
        "city": "Lyon",
        "street": "8 rue Garibaldi",
        "phone": "+33478000000",
    }
    a = record(1, first_name="Marie", last_name="Dupont", **office)
    b = record(2, first_name="Marie", last_name="Lambert", **office)
    pairs = score(matcher, model, a, b)
    assert pairs.height == 1
    assert float(pairs["probability"][0]) < 0.01  # about 0.5 without the guard
    guard = pairs["household_guard_weight"][0]
    assert guard < 0
    # what the guard took back is exactly what the office agreement gave
    given = sum(max(0.0, float(pairs[f"{c}_weight"][0])) for c in ("siren", "address", "phone"))
    assert guard == pytest.approx(-given)
    assert "colleagues" in guard_label(pairs, model)


def test_workplace_guard_spares_personal_evidence(matcher: Matcher, model: MatchModel) -> None:
    """A woman who married: other last name, but her own mobile or e-mail agrees."""
    office = {"siren": "732829320", "postcode": "69003", "street": "8 rue Garibaldi"}
    maiden = record(1, first_name="Marie", last_name="Dupont", phone="+33612345678", **office)
    married = record(2, first_name="Marie", last_name="Lambert", phone="+33612345678", **office)
    pairs = score(matcher, model, maiden, married)
    assert pairs["household_guard_weight"][0] == 0.0
    c = record(3, first_name="Marie", last_name="Dupont", email="marie.d@gmail.com", **office)
    d = record(4, first_name="Marie", last_name="Lambert", email="marie.d@gmail.com", **office)
    assert score(matcher, model, c, d)["household_guard_weight"][0] == 0.0
    # the same birth date, too
    e = record(5, first_name="Marie", last_name="Dupont", birth_date="1980-02-03", **office)
    f = record(6, first_name="Marie", last_name="Lambert", birth_date="1980-02-03", **office)
    assert score(matcher, model, e, f)["household_guard_weight"][0] == 0.0


def test_workplace_guard_needs_one_company(matcher: Matcher, model: MatchModel) -> None:
    """Without a common SIREN the shared address is a home: maiden and married names there."""
    home = {"postcode": "69003", "city": "Lyon", "street": "8 rue Garibaldi"}
    maiden = record(1, first_name="Marie", last_name="Dupont", **home)
    married = record(2, first_name="Marie", last_name="Lambert", **home)
    assert score(matcher, model, maiden, married)["household_guard_weight"][0] == 0.0


def test_workplace_guard_can_be_turned_off(population: pl.DataFrame) -> None:
    office = {"siren": "732829320", "postcode": "69003", "street": "8 rue Garibaldi"}
    a = record(1, first_name="Marie", last_name="Dupont", **office)
    b = record(2, first_name="Marie", last_name="Lambert", **office)
    off = Matcher(MatchSettings(u_sample_pairs=200_000, workplace_guard=False))
    pairs = off.predict(frame(a, b), off.train(population), threshold=1e-12)
    assert pairs["household_guard_weight"][0] == 0.0
    assert MatchSettings.from_dict(off.settings.to_dict()).workplace_guard is False


def test_names_swapped_on_one_record_matched(matcher: Matcher, model: MatchModel) -> None:
    # (Louis, Guigui): the surname typed as first name, a nickname as surname
    a = record(1, first_name="Guillaume", last_name="Louis", email="guillaume.louis@gmail.com")
    b = record(2, first_name="Louis", last_name="Guigui", email="guillaume.louis@gmail.com")
    pairs = score(matcher, model, a, b)
    assert str(pairs["first_name_level"][0]) == "first name in the other's last-name field"
    assert pairs["household_guard_weight"][0] == 0.0
    assert float(pairs["probability"][0]) > 0.9
    # a shortened first name on the same mailbox
    c = record(3, first_name="Camille", last_name="Roux", email="camille.roux@free.fr")
    d = record(4, first_name="Cam", email="camille.roux@free.fr")
    assert prob(matcher, model, c, d) > 0.9


def test_homonyms_not_merged(matcher: Matcher, model: MatchModel) -> None:
    a = record(
        1,
        first_name="Nicolas",
        last_name="Martin",
        birth_date="1975-04-12",
        email="nicolas.martin@gmail.com",
        postcode="75011",
    )
    b = record(
        2,
        first_name="Nicolas",
        last_name="Martin",
        birth_date="1988-10-02",
        email="nmartin@free.fr",
        postcode="75011",
    )
    assert prob(matcher, model, a, b) < 0.5


@pytest.mark.parametrize(
    "change",
    [
        {"first_name": "Martin", "last_name": "Nicolas"},  # swapped names
        {"first_name": "NICO", "email": None},  # nickname, no e-mail
        {"email": "nicolasmartin+promo@googlemail.com", "phone": None},  # gmail dots
        {"birth_date": "1975-12-04", "email": None},  # day/month swapped
        {
            "last_name": "Martin-Dupont",
            "postcode": "69003",
            "street": "1 rue Neuve",
            "city": "Lyon",
        },
    ],
)
def test_same_person_variants_matched(
    matcher: Matcher, model: MatchModel, change: dict[str, object]
) -> None:
    a = record(1, **PERSON)
    b = record(2, **{**PERSON, **change})  # type: ignore[arg-type]
    assert prob(matcher, model, a, b) > 0.9


def test_rare_surname_weighs_more(matcher: Matcher, model: MatchModel) -> None:
    def surname_weight(name: str) -> float:
        a = record(1, first_name="Paul", last_name=name)
        b = record(2, first_name="Paul", last_name=name.upper())
        return float(score(matcher, model, a, b)["last_name_weight"][0])

    assert model.tf_tables["ln"]["martin"] > model.tf_tables["ln"]["zerbib"]
    assert surname_weight("Zerbib") > surname_weight("Martin") + 0.5


def test_a_married_womans_two_names_weigh_as_two_surnames(
    matcher: Matcher, model: MatchModel
) -> None:
    """"Perrier née Chevalier" in both records: two surnames agree, each weighing what an
    exact last name weighs (the married name's frequency counted once). "Perrier née
    Martin" against her: two women married into one family, whose birth names differ,
    weigh as other last names."""

    def last_name(born: tuple[str | None, str | None]) -> tuple[str, float]:
        pair = frame(
            record(1, first_name="Élodie", last_name="Perrier", email="elodie9@orange.fr"),
            record(2, first_name="ÉLODIE", last_name="PERRIER", email="e.perrier@free.fr"),
        ).with_columns(pl.Series("birth_name", list(born), dtype=pl.String))
        found = matcher.predict(pair, model, threshold=1e-12)
        return str(found["last_name_level"][0]), float(found["last_name_weight"][0])

    comp = next(c for c in matcher.settings.comparisons if c.name == "last_name")
    weights = model.level_weights(comp)
    exact_level, exact = last_name((None, "Chevalier"))
    both_level, both = last_name(("Chevalier", "CHEVALIER"))
    other_level, other = last_name(("Chevalier", "Martin"))
    assert (exact_level, both_level, other_level) == (
        "last name exact", BOTH_NAMES, OTHER_BIRTH_NAMES
    )
    assert both == pytest.approx(exact + weights[comp.labels.index("last name exact")])
    assert other == pytest.approx(weights[comp.disagreement_index]) and other < 0


def test_clustering_is_transitive() -> None:
    pairs = pl.DataFrame(
        {
            "record_id_l": [1, 2, 10, 7],
            "record_id_r": [2, 3, 11, 3],
            "probability": [0.99, 0.99, 0.99, 0.2],
        }
    )
    out = Matcher().cluster(pairs, threshold=0.9)
    assert dict(out.iter_rows()) == {1: 1, 2: 1, 3: 1, 10: 10, 11: 10}
    chain = pl.DataFrame({"record_id_l": list(range(1, 60)), "record_id_r": list(range(2, 61))})
    assert connected_components(chain)["cluster_id"].unique().to_list() == [1]
    review = Matcher().review(pairs)
    assert review.height == 0
    assert Matcher().review(pairs, lower=0.1).height == 1


def test_model_json_round_trip(
    matcher: Matcher, model: MatchModel, population: pl.DataFrame
) -> None:
    text = model.to_json()
    again = MatchModel.from_json(text)
    assert again.to_json() == text
    first = matcher.predict(population, model)
    second = matcher.predict(population, again)
    assert first.equals(second)
    with pytest.raises(MatchModelError):
        MatchModel.from_json('{"format": "other"}')


def test_predict_against(matcher: Matcher, model: MatchModel, population: pl.DataFrame) -> None:
    existing = matcher.prepare(population, model)
    new = frame(
        record(10_001, first_name="Cathy", last_name="Zerbib", email="cathy.z@free.fr"),
        record(10_002, first_name="Catherine", last_name="ZERBIB", email="cathy.z@free.fr"),
        record(
            10_003,
            **{
                k: v
                for k, v in population.row(0, named=True).items()
                if k not in ("record_id", "source")
            },
        ),
    )
    pairs = matcher.predict_against(new, existing, model)
    ids = set(zip(pairs["record_id_l"], pairs["record_id_r"], strict=True))
    assert (10_001, 10_002) in ids
    assert (10_003, 0) in ids
    with pytest.raises(MatchInputError, match="already exist"):
        matcher.predict_against(frame(record(0, first_name="x")), existing, model)


def test_giant_blocks_are_skipped(matcher: Matcher, model: MatchModel) -> None:
    many = frame(*[record(i, first_name=f"p{i}", email="noemail@example.fr") for i in range(80)])
    prepared = matcher.prepare(many, model)
    assert prepared.frame["emails_1"].null_count() == 80  # a placeholder, not evidence
    assert matcher.candidate_pair_count(prepared) == 0


def test_duckdb_relation_input(
    matcher: Matcher, model: MatchModel, population: pl.DataFrame
) -> None:
    import duckdb

    con = duckdb.connect()
    rel = con.from_arrow(population.head(50).to_arrow())
    assert matcher.predict(rel, model).height == matcher.predict(population.head(50), model).height


def test_prepare_in_chunks_gives_the_same_frame(population: pl.DataFrame) -> None:
    from carnet.match.records import prepare_records

    whole = prepare_records(population)
    chunked = prepare_records(population, chunk_rows=97)
    assert chunked.select(whole.columns).equals(whole)


def test_train_on_prepared_records(matcher: Matcher, population: pl.DataFrame) -> None:
    prepared = matcher.prepare(population)
    model = matcher.train(prepared)
    pairs = matcher.predict(prepared, model)
    assert pairs.height > 0
    # the prior comes from the scored candidate pairs, not only from the rules
    assert model.diagnostics["deterministic_prior"] > 0
    assert 0 < model.prior < 0.5


def test_record_without_last_name_matched_through_its_email(
    matcher: Matcher, model: MatchModel
) -> None:
    named = record(1, first_name="Aurélien", last_name="Kerbrat", email="a.kerbrat@acme.fr")
    newsletter = record(2, first_name="Aurelien", email="aurelien.kerbrat1984@free.fr")
    pairs = score(matcher, model, named, newsletter)
    assert str(pairs["last_name_level"][0]) == "last name found in the other's e-mail"
    assert float(pairs["last_name_weight"][0]) > 0


def test_shared_mailbox_weighs_less(matcher: Matcher, model: MatchModel) -> None:
    base = {"first_name": "Nicolas", "last_name": "Zerbib"}
    two = frame(
        record(1, **base, email="famille.zerbib@free.fr"),
        record(2, **base, email="famille.zerbib@free.fr"),
    )
    many = frame(
        *(record(i, **base, email="famille.zerbib@free.fr") for i in range(1, 7)),
    )
    w_two = matcher.predict(two, model, threshold=1e-12)["email_weight"][0]
    w_many = matcher.predict(many, model, threshold=1e-12)["email_weight"][0]
    assert w_many == pytest.approx(w_two - math.log2(5))


def test_an_email_typed_without_its_at_weighs_as_the_same_email(
    matcher: Matcher, model: MatchModel
) -> None:
    # one mailbox typed badly once: the same evidence as an exact e-mail
    # (in the generator's 100,000 people, 40 pairs of contacts of this kind
    # waited for review, every one of them one person)
    base = {"first_name": "Gérard", "last_name": "Laurent"}
    exact = score(
        matcher,
        model,
        record(1, **base, email="gerard.laurent@orange.fr"),
        record(2, **base, email="gerard.laurent@orange.fr"),
    )
    typed = frame(
        record(1, **base, email="gerard.laurent@orange.fr"), record(2, **base)
    ).with_columns(
        pl.Series("emails_unparsed", [[], ["gerard.laurentorange.fr"]], dtype=pl.List(pl.String))
    )
    restored = matcher.predict(typed, model, threshold=1e-12)
    assert str(restored["email_level"][0]) == "email exact once its missing @ is put back"
    assert float(restored["email_weight"][0]) == pytest.approx(float(exact["email_weight"][0]))
