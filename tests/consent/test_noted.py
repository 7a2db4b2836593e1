"""Refusals written in a note: what they close, and what they leave alone."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.consent.noted import opposed_channels

ABOUT = {"email", "sms", "phone", "post", "all", "newsletter"}


@pytest.mark.parametrize(
    ("note", "refused"),
    [
        ("Ne souhaite pas recevoir la newsletter", {"newsletter"}),
        ("Pas de mail ni de SMS, ne plus appeler", {"email", "phone", "sms"}),
        ("Ne pas appeler avant 18h", set()),
        ("RAS", set()),
        ("Intéressé par devis véranda, rappeler en janvier", set()),
        ("Ne souhaite plus être contactée", {"all"}),
        ("STOP SMS", {"sms"}),
        ("Refuse la prospection commerciale", {"all"}),
        ("Désabonné", {"newsletter"}),
        ("Inscrit sur Bloctel", {"phone"}),
        ("Ne veut pas d'appel mais ok pour mail", {"phone"}),
        ("Souhaite recevoir la newsletter", set()),
        ("Client ne répond pas aux mails", set()),
        ("N'a pas reçu la newsletter", set()),
        ("Ne pas relancer avant mars", set()),
        ("Ne veut plus recevoir de catalogue papier", {"post"}),
        ("Pas de pub", {"all"}),
        ("ne souhaite pas recevoir de mails et de SMS", {"email", "sms"}),
        ("Ne veut pas être appelé au bureau", set()),
        ("Pas d'appel sur le portable", set()),
        ("Opposée à la prospection par téléphone", {"all"}),
        ("Ne plus contacter", {"all"}),
        ("STOP", {"all"}),
        ("Pas de mail", {"email"}),
        ("Ne souhaite pas être contacté par email", {"email"}),
        ("Veut des offres", set()),
        ("Plus de promo svp", set()),
        ("Pas intéressé", set()),
        ("Pas de réponse, rappeler", set()),
        ("Ne pas appeler", {"phone"}),
        ("pas dispo le matin", set()),
        ("Pas de suite à donner", set()),
        ("Aucun intérêt", set()),
        ("Jamais de SMS", {"sms"}),
        ("Ne veut rien recevoir", {"all"}),
        ("Refus du démarchage téléphonique", {"phone"}),
        ("Le client n'a pas de mail", set()),
        ("N'accepte pas les offres partenaires", {"all"}),
        ("Ne plus envoyer de courrier", {"post"}),
        ("Ne souhaite pas qu'on l'appelle", set()),
        ("RDV pris le 3/12", set()),
        ("Désinscrite de la newsletter le 12/03", {"newsletter"}),
        ("Aucun mail svp", {"email"}),
        ("Pas de mail car pas d'ordinateur", {"email"}),
        ("Client fidèle, pas de souci", set()),
        ("Ne souhaite plus recevoir d'e-mails", {"email"}),
        ("STOP PUB", {"all"}),
        ("Pas de sms le dimanche", set()),
        ("Ne pas rappeler", {"phone"}),
        ("A demandé à ne plus recevoir nos offres", {"all"}),
        ("Ne plus jamais appeler !!", {"phone"}),
        ("Pas d'email pour l'instant", {"email"}),
        # what happened, not a wish
        ("Aucune offre envoyée", set()),
        ("Aucun appel abouti", set()),
        ("Pas de mail envoyé depuis 2023", set()),
        ("Aucun mail ouvert", set()),
        ("Pas d'appel depuis mars", set()),
        ("Ne veut pas de mail MAIS accepte les SMS", {"email"}),
    ],
)
def test_a_note_refuses_what_it_says(note: str, refused: set[str]) -> None:
    assert set(opposed_channels(note)) == refused


@given(st.text())
def test_any_text_is_read_without_error(note: str) -> None:
    refused = opposed_channels(note)
    assert refused <= ABOUT
    # the same note in capitals and with its accents says the same
    assert opposed_channels(note.upper()) == opposed_channels(note) or not note.isascii()


@given(st.sampled_from(["Ne pas appeler", "Pas de SMS", "Ne plus contacter"]),
       st.sampled_from([" avant 18h", " le matin", " au bureau", " sur le portable",
                        " le week-end", " entre 12h et 14h"]))
def test_a_when_or_where_closes_nothing(refusal: str, condition: str) -> None:
    assert opposed_channels(refusal + condition) == frozenset()


def test_the_module_examples_run() -> None:
    from carnet.consent import noted

    failures, tried = doctest.testmod(noted)
    assert tried and not failures
