"""Email addresses: syntax, normalisation, typos, disposable and role accounts.

carnet accepts *ordinary* addresses, the ones real mailboxes use: a dot-atom
local part (internationalised characters allowed) at a domain name with a dot.
Syntax is checked by `email-validator <https://pypi.org/project/email-validator/>`_
(RFC 5321/5322/6531), with ``check_deliverability=False``: no DNS query is made
unless ``deliverability=True`` is asked explicitly. Quoted local parts
(``"john doe"@x.fr``), IP-literal domains (``x@[192.0.2.1]``) and dotless
domains (``x@localhost``) are refused: no customer file holds real ones.

Normalised form
    Trimmed and **lower-cased, local part included**. RFC 5321 lets a server
    treat ``Jean.Dupont`` and ``jean.dupont`` as two mailboxes, but no public
    provider does and customer files mix cases freely; lower-casing is what
    makes duplicates findable. The domain is also IDNA-decoded
    (``xn--...`` → Unicode) and the local part NFC-normalised.

Repairs (the value stays usable, ``Status.WARNING``, so a person can look):
    ``trimmed`` surrounding blanks removed; ``spaces_removed`` inner blanks
    removed (``jean .dupont@ gmail.com``); ``cleaned`` a ``mailto:`` prefix,
    ``<...>`` brackets, a display name or trailing punctuation removed;
    ``multiple`` several addresses in one cell (the first is the verdict's,
    ``details["others"]`` holds the others, one per line, for the import to
    check each); a JSON list (``["a@free.fr"]``) is read as its items.

Other flags: ``typo`` the domain looks like a misspelt common provider
(``gmial.com``, ``hotmial.fr``, ``gmail.con``; also ``gmail.fr``, which is not a
Gmail domain) with the corrected address as suggestion; ``disposable`` a
throw-away domain (list in ``data/disposable_domains.txt``); ``role`` a shared
mailbox (``contact@``, ``compta@``, ``noreply@`` ...); ``missing_at`` no ``@``
but a recognisable domain (invalid, with a suggestion); ``undeliverable`` the
opt-in DNS check found no mail server.

>>> check("Jean.Dupont@Gmail.com").normalised
'jean.dupont@gmail.com'
>>> v = check("marie.curie@gmial.com")
>>> v.status.value, sorted(v.flags), v.suggestions
('warning', ['typo'], ('marie.curie@gmail.com',))
>>> check("jean.dupontgmail.com").suggestions
('jean.dupont@gmail.com',)
>>> sorted(check("contact@yopmail.com").flags)
['disposable', 'role']
>>> check("  jean dupont@orange.fr ").normalised
'jeandupont@orange.fr'
>>> validate("jean@@free.fr")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
carnet.errors.InvalidFormat: The email address is not valid. ...; did you mean jean@free.fr?
>>> format("jean.dupont@gmail.com")
'jean.dupont@gmail.com'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from itertools import compress, count, repeat
from operator import is_
from types import MappingProxyType

import email_validator
import polars as pl

from carnet.fields import _common
from carnet.fields.verdict import Status, Verdict, no_value, verdicts_from_rows

__all__ = [
    "COMMON_DOMAINS",
    "ROLE_ACCOUNTS",
    "check",
    "check_column",
    "check_distinct",
    "check_many",
    "format",
    "is_disposable_domain",
    "normalise",
    "suggest_domain",
    "validate",
]

#: Consumer mail providers and the top-level domains they really serve.
#: The first TLD is the default when the typed one is unusable.
_PROVIDERS: dict[str, tuple[str, ...]] = {
    "gmail": ("com",),
    "googlemail": ("com",),
    "hotmail": ("fr", "com", "be", "co.uk", "de", "it", "es", "ch"),
    "outlook": ("fr", "com", "be", "de", "es", "it"),
    "live": ("fr", "com", "be", "co.uk", "ca"),
    "msn": ("com",),
    "yahoo": ("fr", "com", "co.uk", "de", "es", "it", "be", "ca"),
    "ymail": ("com",),
    "orange": ("fr",),
    "wanadoo": ("fr",),
    "free": ("fr",),
    "laposte": ("net",),
    "sfr": ("fr",),
    "neuf": ("fr",),
    "bbox": ("fr",),
    "icloud": ("com",),
    "aol": ("com", "fr"),
    "gmx": ("fr", "com", "de", "net"),
    "club-internet": ("fr",),
    "aliceadsl": ("fr",),
    "numericable": ("fr",),
    "noos": ("fr",),
    "voila": ("fr",),
    "libertysurf": ("fr",),
    "cegetel": ("net",),
    "protonmail": ("com", "ch"),
    "skynet": ("be",),
    "bluewin": ("ch",),
}

#: Providers that exist under one TLD only: any other TLD is a typo (gmail.fr).
_SINGLE_TLD = frozenset({"gmail", "googlemail", "icloud", "ymail", "msn"})

#: Every domain treated as correctly spelt (never "corrected").
COMMON_DOMAINS: frozenset[str] = frozenset(
    {f"{sld}.{tld}" for sld, tlds in _PROVIDERS.items() for tld in tlds}
    | {"me.com", "mac.com", "mail.com", "email.com", "proton.me", "web.de", "outlook.be"}
)

#: Real, common TLDs: a provider name under one of these is left alone
#: (orange.com, laposte.fr, free.com are real, non-consumer domains).
_COMMON_TLDS = frozenset(
    """
    com fr net org eu be ch lu de es it uk co.uk io info biz ca us nl pt re mc gp mq nc pf
    pro tech app dev me tv ai at dk se no fi pl ie gr cz ro hu ma dz tn sn ci cm mu jp cn ru
    br ar mx au nz in sg hk
    """.split()  # noqa: SIM905 - a word list reads better as text
)

#: Typos too short for the edit-distance rule, or too frequent to leave to it.
_KNOWN_TYPOS: dict[str, str] = {
    "gmail.fr": "gmail.com",
    "gmail.com.fr": "gmail.com",
    "gmail.co.uk": "gmail.com",
    "fre.fr": "free.fr",
    "frre.fr": "free.fr",
    "freee.fr": "free.fr",
    "free.frr": "free.fr",
    "sfr.frr": "sfr.fr",
    "sf.fr": "sfr.fr",
    "nef.fr": "neuf.fr",
    "neuf.frr": "neuf.fr",
    "bbox.frr": "bbox.fr",
    "aol.con": "aol.com",
    "gmx.frr": "gmx.fr",
    "hotmail.fr.fr": "hotmail.fr",
    "orange.fr.fr": "orange.fr",
    "laposte.fr.net": "laposte.net",
    "lapost.fr": "laposte.net",
    "wanadoo.com": "wanadoo.fr",
    "hotmail.cm": "hotmail.com",
    "ornage.fr": "orange.fr",
    "oragne.fr": "orange.fr",
    "orang.fr": "orange.fr",
    "orangr.fr": "orange.fr",
    "orande.fr": "orange.fr",
    "oange.fr": "orange.fr",
    "ornge.fr": "orange.fr",
    "orrange.fr": "orange.fr",
    "orannge.fr": "orange.fr",
    "oraneg.fr": "orange.fr",
    "orangee.fr": "orange.fr",
}

#: Provider names that are ordinary words: only the typo table corrects them
#: (grange.fr, orage.fr are real domains, not typos of orange.fr).
_NO_FUZZY = frozenset({"orange"})

#: Local parts that stand for "no address" (compared like role accounts): what a shop's
#: staff or a form's visitor types when an e-mail is required and there is none.
PLACEHOLDER_LOCALS: frozenset[str] = frozenset(
    """
    pasdemail pasdemails pasdemel pasdeemail pasdadresse pasdadressemail sansmail sansemail
    sansadresse noemail nomail nemail noaddress aucunmail aucunemail aucuneadresse
    nepasutiliser pasdecourriel
    votreemail votremail votreadresse votreadressemail votrecourriel prenomnom nomprenom
    youremail yourname yourmail exemple example
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Domains that only stand in a French form's example ("jean@domaine.fr",
#: "prenom.nom@mondomaine.fr": "domaine" is the word "domain"). Not exemple.fr nor
#: RFC 2606's example.com: test data and documentation use them for addresses that
#: must read as real ones.
PLACEHOLDER_DOMAINS: frozenset[str] = frozenset(
    """
    domaine.fr domaine.com mondomaine.fr mondomaine.com votredomaine.fr votredomaine.com
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Words that are a placeholder when they are the domain's name too: "test@test.com",
#: "aucun@aucun.fr" (alone, "test@iana.org" is an ordinary address).
_PLACEHOLDER_WORDS = frozenset(
    """
    aucun aucune neant rien vide null none nil inconnu inconnue test tests essai dummy fake
    faux exemple example sample azerty qwerty toto titi tata tutu foo foobar email mail
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def is_placeholder(local: str, domain: str) -> bool:
    """True for an address that stands for "no address": ``pasdemail@gmail.com``,
    ``aucun@aucun.fr``, ``test@test.com``, ``a@a.fr``, ``x@x.x``.

    >>> is_placeholder("pas.de.mail", "free.fr"), is_placeholder("toto", "toto.fr")
    (True, True)
    >>> is_placeholder("jean", "jean.fr"), is_placeholder("test", "iana.org")
    (False, False)
    >>> is_placeholder("exemple", "domaine.fr"), is_placeholder("votre.email", "gmail.com")
    (True, True)
    """
    name = local.split("+", 1)[0].replace(".", "").replace("_", "").replace("-", "")
    labels = domain.split(".")
    return (
        name in PLACEHOLDER_LOCALS
        or domain in PLACEHOLDER_DOMAINS
        # the same word twice: "abc@abc.com", "zz@zz.fr", "test@test.com", "x@x.x"
        or (
            len(labels) == 2
            and name == labels[0]
            and (len(name) <= 3 or len(set(name)) == 1 or name in _PLACEHOLDER_WORDS)
        )
    )


#: Local parts of shared mailboxes (compared without dots, dashes, underscores).
ROLE_ACCOUNTS: frozenset[str] = frozenset(
    """
    contact contacts info infos information informations admin administrateur administration
    administratif noreply donotreply nepasrepondre commercial commerciale
    commerciaux compta comptabilite facturation facture factures rh drh recrutement emploi
    jobs job direction directeur accueil support sales ventes vente service serviceclient
    serviceclients clients client sav hello bonjour office secretariat secretary postmaster
    webmaster hostmaster abuse newsletter marketing communication presse press billing help
    team equipe reception reservation reservations booking commande commandes orders order
    shop boutique magasin mairie devis juridique legal rgpd dpo privacy security
    informatique technique root bureau atelier agence achats achat purchasing hr careers
    career finance mail email courrier enquiries
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_AT_WORDS = re.compile(
    r"\s*[(\[{<]\s*(?:at|arobase|arobas)\s*[)\]}>]\s*|\s+(?:at|arobase|arobas)\s+", re.IGNORECASE
)
#: "jean (dot) free", "free point fr": the dot written as a word, as the @ is above.
_DOT_WORDS = re.compile(
    r"\s*[(\[{<]\s*(?:dot|point|pt)\s*[)\]}>]\s*|\s+(?:dot|point)\s+", re.IGNORECASE
)
#: A label before the address, as typed in a notes or contact cell: "E-mail : a@b.fr".
_LABEL = re.compile(
    r"^(?:e[-.\s]?mail|m[eéè]l|courriel|mail|adresse(?:\s+(?:e[-.\s]?)?mail)?)"
    r"(?:\s+(?:perso|pro|personnel|professionnel|principal))?\s*:\s*",
    re.IGNORECASE,
)
#: What separates several addresses in a cell ("::: " is Google Contacts' export's).
_SEPARATORS = re.compile(r"(?:[;,\s|/]|:::)+")
# Words between two addresses of one cell ("a@x.fr et b@y.fr").
_CONNECTORS = frozenset({"et", "ou", "and", "or", "&", "+"})
# A comment after or before the address: "jean@free.fr (pro)", "(perso) jean@free.fr".
_COMMENT = re.compile(r"^\s*\([^()@]*\)\s*|\s*\([^()@]*\)\s*$")
_DISPLAY_NAME = re.compile(r"^[^<>@]*<([^<>]+)>$")
#: Characters that show nothing (zero-width space, non-joiner and joiner, word joiner,
#: byte-order mark, soft hyphen): a copy from a web page or a Word file leaves them.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# ``\s`` matches exactly the characters ``str.isspace()`` accepts, in one C call.
_WHITESPACE = re.compile(r"\s")
# The fast path: plain ASCII addresses that email-validator would accept unchanged.
_ATEXT = r"[a-z0-9_!#$%&'*+\-/=?^`{|}~]"
_FAST = re.compile(
    rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z](?:[a-z0-9-]*[a-z])?)"
)
_SPECIAL_USE = frozenset(email_validator.SPECIAL_USE_DOMAIN_NAMES)


@cache
def _disposable_domains() -> frozenset[str]:
    text = (
        resources.files("carnet.fields")
        .joinpath("data/disposable_domains.txt")
        .read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=65536)
def is_disposable_domain(domain: str) -> bool:
    """True when ``domain`` (or a parent domain) is a known throw-away mail service.

    >>> is_disposable_domain("yopmail.com"), is_disposable_domain("mail.yopmail.com")
    (True, True)
    >>> is_disposable_domain("orange.fr")
    False
    """
    domains = _disposable_domains()
    labels = domain.lower().rstrip(".").split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels) - 1))


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance, giving up (limit + 1) past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _one_edit(a: str, b: str) -> bool:
    """``_distance(a, b, 1) <= 1``, without the table: equal, or one substitution,
    insertion, deletion or swap of two neighbours apart."""
    if a == b:
        return True
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(b))
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return a[i : i + 2] == b[i + 1 : i + 2] + b[i : i + 1] and a[i + 2 :] == b[i + 2 :]


def _nearest(word: str, choices: Iterable[str], limit: int) -> str | None:
    best: str | None = None
    best_distance = limit + 1
    for choice in choices:
        d = _distance(word, choice, limit)
        if d < best_distance:
            best, best_distance = choice, d
    return best


def _fix_tld(sld: str, tld: str) -> str:
    tlds = _PROVIDERS[sld]
    return tld if tld in tlds else (_nearest(tld, tlds, 2) or tlds[0])


@lru_cache(maxsize=65536)
def suggest_domain(domain: str) -> str | None:
    """The common provider domain that ``domain`` is probably a typo of, else None.

    Rules, in order: a known typo table; a provider name under a TLD it does not
    serve and that is not a common real TLD (``gmail.con``, ``hotmail.frr``;
    Gmail, iCloud, MSN and Ymail exist under ``.com`` only, so ``gmail.fr`` is
    corrected too); a name within edit distance 1 (2 from 7 letters) of a
    provider of 5 letters or more (``gmial.com``, ``hotmial.fr``); a missing dot
    (``gmailcom``) or TLD (``gmail``).

    >>> suggest_domain("gmial.com"), suggest_domain("hotmial.fr"), suggest_domain("gmail.con")
    ('gmail.com', 'hotmail.fr', 'gmail.com')
    >>> suggest_domain("gmail.fr"), suggest_domain("gmailcom"), suggest_domain("wanadoo")
    ('gmail.com', 'gmail.com', 'wanadoo.fr')
    >>> suggest_domain("gmail.com"), suggest_domain("orange.com"), suggest_domain("gmf.fr")
    (None, None, None)
    """
    domain = domain.lower().strip().rstrip(".").replace(",", ".")
    if domain in COMMON_DOMAINS:
        return None
    if domain in _KNOWN_TYPOS:
        return _KNOWN_TYPOS[domain]
    if "." not in domain:
        if domain in _PROVIDERS:
            return f"{domain}.{_PROVIDERS[domain][0]}"
        for known in COMMON_DOMAINS:
            if known.replace(".", "") == domain:
                return known
        return None
    sld, tld = domain.split(".", 1)
    if sld in _PROVIDERS:
        if sld in _SINGLE_TLD or tld not in _COMMON_TLDS:
            fixed = f"{sld}.{_fix_tld(sld, tld)}"
            return fixed if fixed != domain else None
        return None
    if len(sld) < 4:
        return None
    # sld is no provider (see above): the first provider at distance exactly 1. Names
    # of three letters or more one edit apart share their first or their last letter
    # (the edit is after the first or before the last): most company domains share
    # neither with any provider, and skip the comparison.
    best = next(
        (
            p
            for p in _fuzzy_providers(len(sld))
            if (p[0] == sld[0] or p[-1] == sld[-1]) and _one_edit(sld, p)
        ),
        None,
    )
    if best is None:
        return None
    if tld not in _COMMON_TLDS and tld not in _PROVIDERS[best]:
        tld_candidate = _nearest(tld, _PROVIDERS[best], 2)
        if tld_candidate is None:
            return None
        return f"{best}.{tld_candidate}"
    return f"{best}.{_fix_tld(best, tld)}"


#: Providers the edit-distance rule may suggest, in :data:`_PROVIDERS` order.
_FUZZY_PROVIDERS = tuple(p for p in _PROVIDERS if len(p) >= 5 and p not in _NO_FUZZY)

_LONGEST_FIRST = tuple(sorted(COMMON_DOMAINS, key=len, reverse=True))


@cache
def _fuzzy_providers(length: int) -> tuple[str, ...]:
    """The :data:`_FUZZY_PROVIDERS` one edit can reach from a name of ``length``
    letters (one letter longer or shorter at most), in their order."""
    return tuple(p for p in _FUZZY_PROVIDERS if abs(len(p) - length) <= 1)


def _missing_at(text: str) -> str | None:
    """Suggest an address for a value without @ (``jean.dupontgmail.com``)."""
    replaced = _DOT_WORDS.sub(".", _AT_WORDS.sub("@", text, count=1))
    if replaced.count("@") == 1 and replaced != text:
        return "".join(replaced.split()).lower()
    lowered = "".join(text.split()).lower()
    for known in _LONGEST_FIRST:
        if lowered.endswith(known) and len(lowered) > len(known):
            local = lowered[: -len(known)].rstrip(".-_")
            if local:
                return f"{local}@{known}"
    return None


def _is_valid(address: str) -> bool:
    """True when ``address`` (lower-case, no blanks) passes the syntax check."""
    return not isinstance(_syntax(address), str)


def _repaired(local: str, domain: str) -> str | None:
    """A valid address for one spoilt by stray punctuation, else None.

    A comma or semicolon typed for a dot (``jean@free,fr``, ``jean,dupont@…``),
    a doubled dot (``jean..dupont@``, ``gmail..com``) or a dot at either end
    of the part before the @ (``jean.@``).
    """
    if not local or not domain:
        return None
    local = re.sub(r"[.,]+", ".", local).strip(".")
    domain = re.sub(r"[.,;]+", ".", domain).strip(".")
    if not local or not domain:
        return None
    result = _syntax(f"{local}@{domain}")
    if isinstance(result, str):
        return None
    _, local, domain = result
    return f"{local}@{suggest_domain(domain) or domain}"


def _error_kind(message: str) -> str:
    if "too long" in message or "too many" in message:
        return "length"
    if "after the @-sign" in message or "domain" in message.lower():
        return "component"
    return "format"


def _syntax(address: str) -> tuple[str, str, str] | str:
    """(normalised, local, domain) for a valid address, else the error message."""
    match = _FAST.fullmatch(address)
    if match is not None:
        local, domain = match.group(1), match.group(2)
        labels = domain.split(".")
        if (
            len(local) <= 64
            and len(domain) <= 253
            and len(address) <= 254
            and "--" not in domain
            and labels[-1] not in _SPECIAL_USE
            and all(len(label) <= 63 for label in labels)
        ):
            return address, local, domain
    try:
        valid = email_validator.validate_email(address, check_deliverability=False, strict=True)
    except email_validator.EmailNotValidError as error:
        return str(error)
    local = valid.local_part.lower()
    return f"{local}@{valid.domain}", local, valid.ascii_domain


def _deliverable(address: str, timeout: float | None) -> str | None:
    """Error message when DNS shows the domain cannot receive mail, else None."""
    try:
        email_validator.validate_email(
            address,
            check_deliverability=True,
            timeout=int(timeout) if timeout is not None else None,
        )
    except email_validator.EmailUndeliverableError as error:
        return str(error)
    except email_validator.EmailNotValidError:
        return None
    return None


def check(raw: str | None, *, deliverability: bool = False, timeout: float | None = 5) -> Verdict:
    """Check one email address; never raises.

    Args:
        raw: the value as found in the file.
        deliverability: also query DNS for the domain's mail servers (slow,
            needs network; off by default and in tests).
        timeout: DNS timeout in seconds when ``deliverability`` is on.

    Returns:
        A :class:`Verdict` whose ``normalised`` is the lower-cased address.
    """
    try:
        return _check(raw, deliverability, timeout)
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(
            _common.as_text(raw), f"The email address could not be checked ({error})."
        )


def _check(raw: object, deliverability: bool, timeout: float | None) -> Verdict:
    text = _common.as_text(raw)
    if text is not None and not deliverability:
        plain = _plain(text)
        if plain is not None:
            return plain
    nothing = no_value(text)
    if nothing is not None:
        return nothing
    assert text is not None
    flags: set[str] = set()
    reasons: list[str] = []
    value = text.strip()
    if value != text:
        flags.add("trimmed")
        reasons.append("Blanks around the address were removed.")
    if not value.isascii() and not _INVISIBLE.isdisjoint(value):
        # a zero-width space or a byte-order mark pasted from a web page or a Word file
        value = "".join(c for c in value if c not in _INVISIBLE).strip()
        flags.add("cleaned")
        reasons.append("Invisible characters (zero-width spaces) were removed.")
    if value[:1] == "[":
        # a JSON list from an API export: ["a@free.fr"], [], [{"value": "a@free.fr"}]
        items = _common.list_items(value)
        if items is not None:
            if not items:
                return Verdict.empty(text)
            value = " ; ".join(items)
    cleaned = _clean(value)
    if cleaned != value:
        flags.add("cleaned")
        reasons.append("Extra text around the address was removed.")
        value = cleaned
    others: tuple[str, ...] = ()
    if value.count("@") > 1:
        # a lone "@" left over ("jean@free.fr @") is no second address
        parts = [
            p for p in _SEPARATORS.split(value) if p.strip("@") and p.lower() not in _CONNECTORS
        ]
        if len(parts) == 1 and parts[0].count("@") == 1:
            if "cleaned" not in flags:
                flags.add("cleaned")
                reasons.append("Extra text around the address was removed.")
            value = parts[0]
        if len(parts) > 1 and all(p.count("@") == 1 for p in parts):
            flags.add("multiple")
            reasons.append("Several addresses were found; each is kept, this one first.")
            value, others = parts[0], tuple(p.lower() for p in parts)
    if "@" not in value:
        suggestion = _missing_at(value)
        if suggestion is not None and _is_valid(suggestion):
            return _common.invalid(
                text,
                "The email address has no @-sign.",
                suggestions=(suggestion,),
                flags={"missing_at"},
            )
        return _common.invalid(text, "The email address has no @-sign.")
    if value.count("@") > 1 and "@@" in value and value.count("@") == 2:
        single = "".join(value.replace("@@", "@").split()).lower()
        return _common.invalid(
            text,
            "The email address is not valid. It must have exactly one @-sign.",
            suggestions=(single,) if _is_valid(single) else (),
        )
    if _DOT_WORDS.search(value):
        # "jean@free point fr": a suggestion, as for an @ written as a word
        spelt = "".join(_DOT_WORDS.sub(".", value).split()).lower()
        return _common.invalid(
            text,
            "The address has a dot written as a word.",
            suggestions=(spelt,) if _is_valid(spelt) else (),
        )
    if _WHITESPACE.search(value):
        value = "".join(value.split())
        flags.add("spaces_removed")
        reasons.append("Blanks inside the address were removed.")
    value = value.lower()
    result = _syntax(value)
    if isinstance(result, str):
        message = result
        if "@" in value and value.count("@") > 1:
            message = "The email address is not valid. It must have exactly one @-sign."
        local, _, domain = value.rpartition("@")
        fixed = suggest_domain(domain)
        proposed = (f"{local}@{fixed}",) if fixed and local else ()
        if proposed and not _is_valid(proposed[0]):
            proposed = ()  # the domain was not all that was wrong
        if not proposed:
            repaired = _repaired(local, domain)
            proposed = (repaired,) if repaired is not None else ()
        return _common.invalid(
            text,
            message,
            error=_error_kind(message),
            suggestions=proposed,
            flags={"typo"} if proposed else set(),
        )
    normalised, local, domain = result
    fixed = suggest_domain(domain)
    # some typo domains are listed as disposable too; the typo explains
    disposable = fixed is None and is_disposable_domain(domain)
    role = _is_role(local)
    if deliverability:
        problem = _deliverable(normalised, timeout)
        if problem is not None:
            return _common.invalid(
                text, problem, error="component", normalised=normalised, flags={"undeliverable"}
            )
    return _usable(text, normalised, local, domain, flags, reasons, others, fixed, disposable, role)


def _plain(text: str) -> Verdict | None:
    """The verdict of an address written plainly, else None.

    Most addresses of a file are plain ASCII, with no blank and no display
    name: for them :func:`_check`'s repairs are all no-ops but the
    lower-casing, and email-validator accepts them unchanged (when the domain
    passes :func:`_sound_domain`). Those needing no remark get a valid verdict
    with the domain as its only detail, built directly (the domain's facts
    cached); those with a typo or disposable domain or a role local part get
    :func:`_usable`'s verdict without the syntax check. Any other address
    returns None and takes the full path.
    """
    address = text.lower()
    match = _FAST.fullmatch(address)
    if match is None:
        return None
    local, domain = match.groups()
    if len(local) > 64 or len(address) > 254 or not _sound_domain(domain):
        return None
    details = _plain_domain(domain)
    role = _is_role(local)
    if details is not None and not role and not is_placeholder(local, domain):
        return Verdict(text, address, Status.VALID, (), (), _NO_FLAGS, details)
    fixed = suggest_domain(domain)
    disposable = fixed is None and is_disposable_domain(domain)
    return _usable(text, address, local, domain, set(), [], (), fixed, disposable, role)


_NO_FLAGS: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)
def _sound_domain(domain: str) -> bool:
    """True when a (``_FAST``-shaped) domain passes email-validator's length and
    name rules unchanged: no label over 63 characters, none with ``--`` for its third
    and fourth characters (reserved, or Punycode, which the full check decodes), no
    ``xn--`` at all, no special-use TLD. Other double hyphens are allowed
    (``dupont--associes.fr``: a firm's name and an ordinary domain)."""
    labels = domain.split(".")
    return not (
        len(domain) > 253
        or "xn--" in domain
        or labels[-1] in _SPECIAL_USE
        or any(len(label) > 63 or label[2:4] == "--" for label in labels)
    )


@lru_cache(maxsize=65536)
def _plain_domain(domain: str) -> Mapping[str, str] | None:
    """A plain address's details for this sound (``_FAST``-shaped) domain; None when
    the domain needs a remark (typo, disposable) or fails :func:`_sound_domain`."""
    if not _sound_domain(domain) or suggest_domain(domain) is not None:
        return None
    if is_disposable_domain(domain):
        return None
    return MappingProxyType({"domain": domain})


def _is_role(local: str) -> bool:
    """True for the local part of a shared mailbox (``contact``, ``compta+x`` ...)."""
    # three str.replace calls cost a third of one regex substitution
    name = local.split("+", 1)[0].replace(".", "").replace("_", "").replace("-", "")
    return name in ROLE_ACCOUNTS


def _usable(
    text: str,
    normalised: str,
    local: str,
    domain: str,
    flags: set[str],
    reasons: list[str],
    others: tuple[str, ...],
    fixed: str | None,
    disposable: bool,
    role: bool,
) -> Verdict:
    """The verdict of a syntactically valid address, from its domain and local-part facts.

    Shared by :func:`check` and the vectorised :func:`check_column`, so both say
    exactly the same. ``flags`` and ``reasons`` hold the repairs already made;
    ``fixed`` is :func:`suggest_domain` of the domain, ``disposable`` is only
    looked at when there is no typo.
    """
    details = {"domain": normalised.rpartition("@")[2]}
    if len(others) > 1:
        # the cell's other addresses, as written, one per line: the import checks each
        details["others"] = "\n".join(others[1:])
    if is_placeholder(local, details["domain"]):
        return _common.invalid(
            text,
            f"{normalised} looks like a placeholder for 'no address', not an address.",
            error="component",
            flags={"placeholder"},
        )
    # the cell's other addresses, those that are addresses
    suggestions: tuple[str, ...] = tuple(o for o in others[1:] if _is_valid(o))
    if fixed is not None:
        flags.add("typo")
        reasons.append(f"The domain {domain} looks like a typo of {fixed}.")
        suggestions = (f"{local}@{fixed}", *suggestions)
    elif disposable:
        flags.add("disposable")
        reasons.append(f"{domain} is a disposable (throw-away) address service.")
    if role:
        flags.add("role")
        reasons.append(f"{local}@ is a shared role mailbox, not a person.")
    if not local.isascii():
        # legal (SMTPUTF8), but Orange, Free, SFR and most French providers refuse
        # accents before the @: the address was probably typed with them by mistake
        flags.add("non_ascii_local")
        reasons.append(
            f"{local}@ has accents or other non-ASCII letters, which most mail providers "
            "refuse."
        )
        plain = f"{_common.strip_accents(local).lower()}@{domain}"
        if plain.isascii() and _is_valid(plain):
            suggestions = (plain, *suggestions)
    if flags:
        return Verdict.warning(
            text,
            normalised,
            tuple(reasons),
            suggestions=suggestions,
            flags=flags,
            details=details,
        )
    return Verdict.valid(text, normalised, details=details)


def _clean(value: str) -> str:
    """Remove mailto:, a display name, angle brackets, wrapping quotes, a comment in
    brackets, trailing punctuation."""
    if value[:7].lower() == "mailto:":
        value = value[7:].split("?", 1)[0].strip()
    elif ":" in value:
        value = _LABEL.sub("", value, count=1)
    if "(" in value:
        uncommented = _COMMENT.sub("", value)
        if "@" in uncommented:
            value = uncommented
    match = _DISPLAY_NAME.match(value)
    if match is not None:
        value = match.group(1).strip()
    # a bracket left over from "Name <address>" cut in two: "x@orange.fr>", "<x@orange.fr"
    if value.endswith(">") and "<" not in value:
        value = value[:-1].strip()
    if value.startswith("<") and ">" not in value:
        value = value[1:].strip()
    if (
        len(value) > 2
        and value[0] == value[-1]
        and value[0] in "'\""
        and value.count(value[0]) == 2
    ):
        value = value[1:-1].strip()
    elif value[-1:] in "'\"" and value.count(value[-1]) == 1:
        # a quote left over from a cell cut in two, after the domain, where none can be
        # (one before the address may be the first character of its local part)
        value = value[:-1]
    return value.rstrip(".,;:")


def normalise(raw: str) -> str | None:
    """The normalised address, or None when there is none.

    >>> normalise(" Marie.Curie@Orange.FR"), normalise("not an email")
    ('marie.curie@orange.fr', None)
    """
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the normalised address or raise an :class:`~carnet.errors.InvalidValueError`.

    Warnings (typo, disposable, role ...) do not raise: the address is usable.

    Raises:
        InvalidFormat: wrong shape (no @, forbidden characters).
        InvalidLength: too long (64 before the @, 254 in all).
        InvalidComponent: the domain is not valid (or, on request, does not receive mail).
    """
    return _common.raise_for(check(raw), "email address")


def format(value: str) -> str:
    """Display form: the normalised address itself."""
    return normalise(value) or value


def check_many(
    values: Iterable[str | None], *, deliverability: bool = False, timeout: float | None = 5
) -> dict[str | None, Verdict]:
    """Check a whole column, once per distinct value.

    >>> sorted(v.status.value for v in check_many(["a@b.fr", "a@b.fr", None]).values())
    ['empty', 'valid']
    """
    return _common.check_many(check, values, deliverability=deliverability, timeout=timeout)


def check_column(
    values: Sequence[str | None], *, deliverability: bool = False, timeout: float | None = 5
) -> list[Verdict]:
    """Check a whole column: one verdict per value, in order.

    The result equals ``[check(v, ...) for v in values]``, computed once per
    distinct value with :func:`check_distinct`.

    Args:
        values: the column's cells (None for a missing cell).
        deliverability: as for :func:`check`.
        timeout: as for :func:`check`.

    Returns:
        A list of :class:`Verdict`, the same length as ``values``; equal cells
        share one verdict object.

    >>> [v.normalised for v in check_column([" Jean@Free.FR", None, "x", "Jean@Free.FR"])]
    ['jean@free.fr', None, None, 'jean@free.fr']
    """
    distinct = list(dict.fromkeys(values))
    if deliverability:
        found = [check(v, deliverability=True, timeout=timeout) for v in distinct]
    else:
        found = check_distinct(distinct)
    verdicts = dict(zip(distinct, found, strict=True))
    return [verdicts[v] for v in values]


#: Fewer values than this are checked one by one: Polars' set-up would cost more
#: (a plain address costs about 2 µs one by one, 0.9 µs in a column,
#: and the column's set-up about 0.4 ms).
COLUMN_FROM = 400

#: :data:`_FAST` for Polars (Rust's regex): anchored, since it has no fullmatch.
#: The pattern uses only what both engines read alike (ASCII classes, groups,
#: repeats), and the column path only sees ASCII text.
_FAST_ANCHORED = f"^(?:{_FAST.pattern})$"


def check_distinct(values: Sequence[str | None]) -> list[Verdict]:
    """``[check(v) for v in values]``, the plain addresses recognised a column at a time.

    Meant for the distinct values of a column (an import checks each once).
    :func:`_plain`'s tests (the lower-cased ASCII address has the plain shape,
    no role local part, lengths within the limits, a domain needing no remark)
    run as Polars expressions over all the values at once; each plain
    address's verdict is then built in one step, and every other value takes
    :func:`check`. On the demo files that is about twice as fast as
    :func:`check` per value, with the same verdicts (tested on random text).
    """
    if len(values) < COLUMN_FROM:
        return [check(v) for v in values]
    try:
        texts = pl.Series(values, dtype=pl.String, strict=True)
    except (TypeError, pl.exceptions.PolarsError):  # not all text: no short cut
        return [check(v) for v in values]
    frame = _common.run_stages(texts, _column_stages(), ("lowered", "domain"))
    # An address already in lower case (most of them) is its own normalised text: the
    # verdict holds the cell's string twice, not a copy of it. (An import remembers
    # every distinct address's verdict across its files: a copy each was a sixth of
    # that memory, 39 of 249 MB for the 1,140,623 addresses of 1,000,000 people.)
    lowered = frame["lowered"].to_list()
    addresses = [low or value for low, value in zip(lowered, values, strict=True)]
    domains = frame["domain"].to_list()
    facts: dict[str | None, Mapping[str, str] | None] = {None: None}
    facts.update((d, _plain_domain(d)) for d in set(domains) if d is not None)
    details = list(map(facts.__getitem__, domains))
    # What _plain builds for each address, a column at a time.
    out = verdicts_from_rows(
        zip(
            values,
            addresses,
            repeat(Status.VALID),
            repeat(()),
            repeat(()),
            repeat(_NO_FLAGS),
            details,
        )
    )
    for i in list(compress(count(), map(is_, details, repeat(None)))):  # found in C
        out[i] = check(values[i])
    return out


@cache
def _column_stages() -> tuple[list[pl.Expr], ...]:
    """:func:`check_distinct`'s Polars expressions, stage by stage (built once:
    building them costs more than running them on a batch)."""
    parts = pl.col("parts")
    local, domain = parts.struct.field("field_0"), parts.struct.field("field_1")
    name = pl.col("name")
    plain = (
        # ASCII (one byte per character): lower-casing means the same in Rust and Python
        (pl.col("text").str.len_bytes() == pl.col("text").str.len_chars())
        & pl.col("low").str.contains(_FAST_ANCHORED)
        & (local.str.len_bytes() <= 64)
        & (pl.col("low").str.len_bytes() <= 254)
        # a role local part, and every address is_placeholder may call a placeholder
        # (and a few more): those take check()
        & ~name.is_in(_special_names())
        & ~domain.is_in(sorted(PLACEHOLDER_DOMAINS))
        & (name != domain.str.split_exact(".", 1).struct.field("field_0"))
    ).fill_null(False)
    return (
        [pl.col("text").str.to_lowercase().alias("low")],
        [pl.col("low").str.split_exact("@", 1).alias("parts")],
        [_role_name(local).alias("name")],
        [
            pl.when(plain).then(domain).alias("domain"),
            # the lower-cased text where it differs from the text (null elsewhere)
            pl.when(pl.col("low") != pl.col("text")).then(pl.col("low"))
            .alias("lowered"),
        ],
    )


def _role_name(local: pl.Expr) -> pl.Expr:
    """:func:`_is_role`'s name of a local part, as a Polars expression: the part
    before a ``+`` tag, without ``.``, ``_`` and ``-``. (One regex of a role
    name per letter was a tenth of the cost to run, but Polars compiles it
    again whenever its small cache of patterns has lost it: 2 ms a batch.)"""
    return local.str.split_exact("+", 1).struct.field("field_0").str.replace_all("[._-]", "")


@cache
def _special_names() -> pl.Series:
    """:data:`ROLE_ACCOUNTS` and :data:`PLACEHOLDER_LOCALS` (what :func:`_is_role` and
    :func:`is_placeholder` compare a name to) as the one-row list ``is_in`` takes."""
    return pl.Series(sorted(ROLE_ACCOUNTS | PLACEHOLDER_LOCALS), dtype=pl.String).implode()
