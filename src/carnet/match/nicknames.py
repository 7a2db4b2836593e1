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

Add entries here (folded, lower case, no accents); the tests check the table
is folded.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from carnet.match.phonetic import fold

__all__ = ["NICKNAMES", "known_first_names", "name_groups"]

NICKNAMES: dict[str, tuple[str, ...]] = {
    "jb": ("jean baptiste",),
    "jeanba": ("jean baptiste",),
    "jp": ("jean pierre", "jean paul"),
    "jc": ("jean claude", "jean christophe"),
    "jl": ("jean luc", "jean louis"),
    "jm": ("jean marc", "jean michel", "jean marie"),
    "jf": ("jean francois",),
    "pa": ("pierre alain", "pierre antoine"),
    "pj": ("pierre jean",),
    "ma": ("marie anne", "marie agnes"),
    "mc": ("marie claire", "marie christine"),
    "cathy": ("catherine",),
    "cath": ("catherine",),
    "kathy": ("catherine",),
    "cat": ("catherine",),
    "nico": ("nicolas", "nicole"),
    "nicol": ("nicolas",),
    "fred": ("frederic", "frederique"),
    "freddy": ("frederic",),
    "manu": ("emmanuel", "emmanuelle"),
    "seb": ("sebastien",),
    "sebas": ("sebastien",),
    "steph": ("stephane", "stephanie"),
    "stef": ("stephane", "stephanie"),
    "chris": ("christophe", "christian", "christine", "christelle"),
    "christ": ("christophe", "christian"),
    "tof": ("christophe",),
    "toph": ("christophe",),
    "alex": ("alexandre", "alexandra", "alexis"),
    "max": ("maxime", "maximilien"),
    "flo": ("florence", "florian", "florent"),
    "val": ("valerie", "valentin", "valentine"),
    "vero": ("veronique",),
    "domi": ("dominique",),
    "dom": ("dominique",),
    "isa": ("isabelle",),
    "babeth": ("elisabeth",),
    "zabeth": ("elisabeth",),
    "sandy": ("sandrine", "alexandra"),
    "pat": ("patrick", "patricia"),
    "patou": ("patrick", "patricia"),
    "dan": ("daniel", "danielle"),
    "dany": ("daniel", "danielle"),
    "gab": ("gabriel", "gabrielle"),
    "gaby": ("gabriel", "gabrielle"),
    "ben": ("benjamin", "benoit"),
    "benji": ("benjamin",),
    "matt": ("matthieu", "mathieu", "matthias"),
    "math": ("mathieu", "matthieu", "mathilde"),
    "mathou": ("mathilde",),
    "tom": ("thomas",),
    "tommy": ("thomas",),
    "theo": ("theodore", "theophile"),
    "vince": ("vincent",),
    "vinc": ("vincent",),
    "greg": ("gregoire", "gregory"),
    "guigui": ("guillaume",),
    "guillem": ("guillaume",),
    "francky": ("franck", "francois"),
    "fanfan": ("francoise", "francois"),
    "jojo": ("joseph", "josephine", "johanna"),
    "jo": ("joseph", "josephine", "johanna", "jonathan"),
    "jon": ("jonathan",),
    "rico": ("frederic", "eric"),
    "rick": ("eric", "richard"),
    "ric": ("eric", "richard"),
    "juju": ("julien", "julie", "juliette"),
    "jul": ("julien",),
    "lolo": ("laurent", "laurence"),
    "lau": ("laurent", "laurence"),
    "lulu": ("lucien", "lucie", "ludovic"),
    "ludo": ("ludovic",),
    "mimi": ("michele", "michel", "emilie"),
    "mich": ("michel", "michele"),
    "mick": ("michel", "mickael"),
    "mika": ("mickael", "michael"),
    "nath": ("nathalie", "nathan"),
    "nat": ("nathalie",),
    "natou": ("nathalie",),
    "caro": ("caroline",),
    "clem": ("clement", "clemence", "clementine"),
    "charly": ("charles", "charlotte"),
    "charlie": ("charles", "charlotte"),
    "cha": ("charlotte",),
    "cece": ("cecile",),
    "cecil": ("cecile",),
    "nono": ("arnaud", "bruno"),
    "riri": ("henri",),
    "fifi": ("philippe",),
    "phil": ("philippe",),
    "phi": ("philippe",),
    "pipo": ("philippe",),
    "titi": ("thierry",),
    "tintin": ("martin", "augustin"),
    "geo": ("georges",),
    "jeannot": ("jean",),
    "pierrot": ("pierre",),
    "polo": ("paul",),
    "dede": ("andre",),
    "didi": ("didier",),
    "gigi": ("gilles", "ginette"),
    "louloute": ("louise",),
    "lou": ("louise", "louis", "louna"),
    "margot": ("marguerite",),
    "maggie": ("marguerite",),
    "mimie": ("emilie",),
    "milou": ("emile", "emilie"),
    "tonio": ("antoine",),
    "toinou": ("antoine",),
    "toto": ("antoine",),
    "tony": ("antoine", "anthony"),
    "vic": ("victor", "victoire", "victoria"),
    "xav": ("xavier",),
    "zaza": ("isabelle",),
    "babette": ("elisabeth",),
    "aurel": ("aurelien", "aurelie"),
    "bab": ("barbara",),
    "barb": ("barbara",),
    "bea": ("beatrice",),
    "chantou": ("chantal",),
    "coco": ("corinne", "colette", "constance"),
    "dani": ("daniel", "danielle"),
    "dodo": ("dorothee", "dominique"),
    "gege": ("gerard", "gerald"),
    "jeje": ("jerome", "jeremy"),
    "jerem": ("jeremy",),
    "kiki": ("christian", "christine"),
    "momo": ("maurice", "mohamed"),
    "mo": ("mohamed",),
    "nanou": ("anne", "nadine"),
    "nana": ("anne", "nadine"),
    "rom": ("romain",),
    "romi": ("romain",),
    "sam": ("samuel", "samantha", "samir"),
    "sev": ("severine",),
    "stan": ("stanislas",),
    "syl": ("sylvain", "sylvie"),
    "thib": ("thibault", "thibaut"),
    "thibaud": ("thibault",),
    "thibaut": ("thibault",),
    "vivi": ("viviane", "sylvie"),
    "will": ("william", "guillaume"),
    "bob": ("robert",),
    "bobby": ("robert",),
    "jacky": ("jacques", "jacqueline"),
    "jacquot": ("jacques",),
    "josy": ("josephine", "josiane"),
    "melie": ("amelie",),
    "tim": ("timothee",),
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
