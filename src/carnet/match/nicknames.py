"""French first-name diminutives, shipped as data.

``NICKNAMES`` maps a folded diminutive (see :func:`carnet.match.phonetic.fold`)
to the folded full first names it can stand for. A diminutive may stand for
several names (``steph`` is Stéphane or Stéphanie); two first names agree at
the *nickname* level when their name groups overlap::

    >>> name_groups("Cathy")
    ('catherine',)
    >>> sorted(name_groups("Steph"))
    ['stephane', 'stephanie']
    >>> name_groups("Marcel")
    ('marcel',)

Add entries to :data:`DIMINUTIVES` (the diminutive folded, the full names as
written); the tests check its keys are folded. It is the one table of diminutives:
:mod:`carnet.fields.name` reads it too.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from carnet.match.phonetic import fold

__all__ = ["DIMINUTIVES", "NICKNAMES", "known_first_names", "name_groups"]

#: Diminutive (folded, lower case, no accents) -> the full first names it usually stands
#: for, as they are written. The one table of diminutives: the matcher reads it folded
#: (:data:`NICKNAMES`), the field checks (:func:`carnet.fields.name.nickname_of`) as
#: written. A diminutive used for a man's and a woman's name lists both; two full names
#: never agree through a diminutive they share (Christophe and Christian both give Chris).
DIMINUTIVES: dict[str, tuple[str, ...]] = {
    # initials of compound names ("J.-B.", folded "j b", is "jb")
    "jb": ("Jean-Baptiste",),
    "jeanba": ("Jean-Baptiste",),
    "jp": ("Jean-Pierre", "Jean-Paul"),
    "jc": ("Jean-Claude", "Jean-Christophe"),
    "jl": ("Jean-Luc", "Jean-Louis"),
    "jm": ("Jean-Marc", "Jean-Michel", "Jean-Marie"),
    "jf": ("Jean-François",),
    "jj": ("Jean-Jacques",),
    "jy": ("Jean-Yves",),
    "py": ("Pierre-Yves",),
    "pa": ("Pierre-Alain", "Pierre-Antoine"),
    "pj": ("Pierre-Jean",),
    "ma": ("Marie-Anne", "Marie-Agnès"),
    "mc": ("Marie-Claire", "Marie-Christine"),
    "marie jo": ("Marie-José", "Marie-Josée"),
    # diminutives
    "adri": ("Adrien",),
    "alex": ("Alexandre", "Alexandra", "Alexis"),
    "aurel": ("Aurélien", "Aurélie"),
    "bab": ("Barbara",),
    "babeth": ("Élisabeth",),
    "babette": ("Élisabeth",),
    "barb": ("Barbara",),
    "bea": ("Béatrice",),
    "bebert": ("Albert", "Robert"),
    "ben": ("Benjamin", "Benoît"),
    "benji": ("Benjamin",),
    "bob": ("Robert",),
    "bobby": ("Robert",),
    "caro": ("Caroline",),
    "cath": ("Catherine",),
    "cathy": ("Catherine",),
    "cece": ("Cécile",),
    "cecil": ("Cécile",),
    "cha": ("Charlotte",),
    "chantou": ("Chantal",),
    "charlie": ("Charles", "Charlotte"),
    "charly": ("Charles", "Charlotte"),
    "chris": ("Christophe", "Christian", "Christine", "Christelle"),
    "christ": ("Christophe", "Christian"),
    "clem": ("Clément", "Clémence", "Clémentine"),
    "coco": ("Corinne", "Colette", "Constance"),
    "cricri": ("Christine", "Christian"),
    "dan": ("Daniel", "Danielle"),
    "dani": ("Daniel", "Danielle"),
    "dany": ("Daniel", "Danielle"),
    "dede": ("André",),
    "didi": ("Didier",),
    "dodo": ("Dorothée", "Dominique"),
    "dom": ("Dominique",),
    "domi": ("Dominique",),
    "elo": ("Élodie",),
    "fanfan": ("Françoise", "François"),
    "fifi": ("Philippe",),
    "flo": ("Florence", "Florian", "Florent"),
    "francky": ("Franck", "François"),
    "fred": ("Frédéric", "Frédérique"),
    "freddy": ("Frédéric",),
    "gab": ("Gabriel", "Gabrielle"),
    "gaby": ("Gabriel", "Gabrielle"),
    "gege": ("Gérard", "Gérald"),
    "geo": ("Georges",),
    "gigi": ("Gilles", "Ginette", "Virginie"),
    "ginie": ("Virginie",),
    "greg": ("Grégoire", "Grégory"),
    "gui": ("Guillaume",),
    "guigui": ("Guillaume",),
    "isa": ("Isabelle",),
    "jacky": ("Jacques", "Jacqueline"),
    "jeannot": ("Jean",),
    "jeje": ("Jérôme", "Jérémy"),
    "jerem": ("Jérémy",),
    "jo": ("Joseph", "Joséphine", "Johanna", "Josiane", "Jonathan"),
    "jojo": ("Joseph", "Joséphine", "Johanna"),
    "jon": ("Jonathan",),
    "josy": ("Joséphine", "Josiane"),
    "ju": ("Julien", "Julie", "Justine"),
    "jul": ("Julien",),
    "juju": ("Julien", "Julie", "Juliette"),
    "kathy": ("Catherine",),
    "kiki": ("Christian", "Christine", "Christophe"),
    "lau": ("Laurent", "Laurence"),
    "lili": ("Liliane", "Élisabeth", "Aurélie"),
    "lolo": ("Laurent", "Laurence"),
    "lou": ("Louise", "Louis", "Louna"),
    "louloute": ("Louise",),
    "ludo": ("Ludovic",),
    "lulu": ("Lucien", "Lucie", "Ludovic"),
    "mag": ("Magali",),
    "maggie": ("Marguerite",),
    "magou": ("Magali",),
    "manu": ("Emmanuel", "Emmanuelle"),
    "margot": ("Marguerite",),
    "math": ("Mathieu", "Matthieu", "Mathilde"),
    "mathou": ("Mathilde",),
    "matt": ("Matthieu", "Mathieu", "Matthias"),
    "max": ("Maxime", "Maximilien"),
    "melie": ("Amélie",),
    "mich": ("Michel", "Michèle"),
    "mick": ("Michel", "Mickaël"),
    "mika": ("Mickaël", "Michaël"),
    "milou": ("Émile", "Émilie"),
    "mimi": ("Michèle", "Michelle", "Michel", "Émilie"),
    "mimie": ("Émilie",),
    "mo": ("Mohamed",),
    "momo": ("Maurice", "Mohamed"),
    "nana": ("Anne", "Nadine"),
    "nanou": ("Anne", "Nadine"),
    "nat": ("Nathalie",),
    "nath": ("Nathalie", "Nathan"),
    "natou": ("Nathalie",),
    "nico": ("Nicolas",),
    "nicol": ("Nicolas",),
    "nono": ("Arnaud", "Bruno"),
    "pat": ("Patrick", "Patricia"),
    "patou": ("Patrick", "Patricia"),
    "phi": ("Philippe",),
    "phil": ("Philippe",),
    "pierrot": ("Pierre",),
    "pipo": ("Philippe",),
    "polo": ("Paul",),
    "popol": ("Paul",),
    "rafa": ("Raphaël",),
    "raph": ("Raphaël", "Raphaëlle"),
    "ric": ("Éric", "Richard"),
    "rick": ("Éric", "Richard"),
    "rico": ("Frédéric", "Éric"),
    "riri": ("Henri",),
    "rom": ("Romain",),
    "romi": ("Romain",),
    "sam": ("Samuel", "Samantha", "Samir"),
    "sandy": ("Sandrine", "Alexandra"),
    "seb": ("Sébastien",),
    "sebas": ("Sébastien",),
    "sev": ("Séverine",),
    "soso": ("Sophie",),
    "stan": ("Stanislas",),
    "stef": ("Stéphane", "Stéphanie"),
    "steph": ("Stéphane", "Stéphanie"),
    "syl": ("Sylvain", "Sylvie"),
    "theo": ("Théodore", "Théophile"),
    "thib": ("Thibault", "Thibaut"),
    "thibaud": ("Thibault",),
    "thibaut": ("Thibault",),
    "tim": ("Timothée",),
    "tintin": ("Martin", "Augustin"),
    "titi": ("Thierry",),
    "titine": ("Christine", "Martine"),
    "tof": ("Christophe",),
    "toinou": ("Antoine",),
    "tom": ("Thomas",),
    "tommy": ("Thomas",),
    "tonio": ("Antoine",),
    "tony": ("Antoine", "Anthony"),
    "toph": ("Christophe",),
    "toto": ("Antoine", "Thomas"),
    "val": ("Valérie", "Valentin", "Valentine"),
    "valou": ("Valérie",),
    "vero": ("Véronique",),
    "vic": ("Victor", "Victoire", "Victoria"),
    "vince": ("Vincent",),
    "vinc": ("Vincent",),
    "vivi": ("Viviane", "Sylvie"),
    "will": ("William", "Guillaume"),
    "xav": ("Xavier",),
    "zabeth": ("Élisabeth",),
    "zaza": ("Isabelle",),
}

#: :data:`DIMINUTIVES` folded: diminutive -> the folded full first names (the matcher's
#: name groups).
NICKNAMES: dict[str, tuple[str, ...]] = {
    short: tuple(dict.fromkeys(f for f in map(fold, names) if f))
    for short, names in DIMINUTIVES.items()
}


def name_groups(first_name: str | None) -> tuple[str, ...]:
    """The full first names a (possibly diminutive) first name stands for.

    Args:
        first_name: a first name, raw or folded.

    Returns:
        The folded full names; the name itself when it is no known diminutive;
        an empty tuple for an empty name.
    """
    folded = fold(first_name)
    if folded is None:
        return ()
    return NICKNAMES.get(folded, (folded,))


@lru_cache(maxsize=1)
def known_first_names() -> frozenset[str]:
    """Folded first names that are names in their own right (``paul``, ``jean``, ``max``).

    Read from the field catalog's list of first names (``carnet/fields/data/
    first_names.txt``) plus every full name of :data:`NICKNAMES`. A first
    name that is the start of another but is not in this set (``cam`` for
    Camille, ``anne so`` for Anne-Sophie) is a shortened name; one that is
    (``paul`` and ``pauline``, ``jean`` and ``jeannine``) may be a relative.
    """
    text = resources.files("carnet.fields").joinpath("data/first_names.txt").read_text("utf-8")
    names = {fold(line.strip()) for line in text.splitlines() if not line.startswith("#")}
    names.update(n for full in NICKNAMES.values() for n in full)
    return frozenset(n for n in names if n)
