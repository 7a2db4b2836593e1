"""Reference lists for ``benchmarks/field_bed.py``: French B2C customers as small shops
keep them (first names by sex, surnames, streets, communes with their postcodes, e-mail
providers and the typos people make in them).

Written for the bed alone, independent of carnet's demo generator and of the duplicate
beds, so that the bed measures carnet against values it was not tuned on.
"""

from __future__ import annotations

FIRST_NAMES_F = (
    "Hélène", "Élodie", "Chloé", "Léa", "Camille", "Nathalie", "Isabelle", "Sylvie",
    "Catherine", "Françoise", "Monique", "Valérie", "Sandrine", "Céline", "Aurélie",
    "Émilie", "Stéphanie", "Véronique", "Anaïs", "Maëlle", "Inès", "Noémie", "Manon",
    "Sophie", "Marie", "Anne-Sophie", "Marie-Christine", "Christiane", "Brigitte",
    "Martine", "Josiane", "Agnès", "Mélanie", "Laëtitia", "Gaëlle", "Solène", "Zoé",
    "Juliette", "Pauline", "Jeanne", "Margaux", "Clémence", "Océane", "Amélie", "Bérénice",
    "Danièle", "Geneviève", "Thérèse", "Odile", "Yvette",
)
FIRST_NAMES_M = (
    "Jean", "Jean-Pierre", "Jean-François", "Pierre", "Michel", "Philippe", "Alain",
    "Patrick", "Nicolas", "Christophe", "Stéphane", "Frédéric", "Sébastien", "Jérôme",
    "Laurent", "Thierry", "Éric", "Olivier", "François", "Benoît", "Grégory", "Cédric",
    "Julien", "Maxime", "Théo", "Lucas", "Hugo", "Mathéo", "Noé", "Raphaël", "Loïc",
    "Gaël", "Yannick", "Hervé", "Joël", "Gérard", "René", "André", "Bernard", "Daniel",
    "Jacques", "Marc-Antoine", "Guillaume", "Romain", "Antoine", "Clément", "Timothée",
    "Aurélien", "Jérémy", "Rémi",
)
SURNAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
    "Leroy", "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David",
    "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre",
    "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
    "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
    "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer",
    "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël",
    "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand", "Dufour", "Blanchard",
    "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez",
    "Le Gall", "Le Goff", "Le Roux", "Kerbrat", "Le Bihan", "Caradec", "Hérault",
    "Bénard", "Bégué", "Payet", "Hoarau", "Grondin", "Ménard", "Barré", "Aubert",
    "Le Corre", "Delacroix", "Dos Santos", "Da Silva", "Ferreira", "Benali", "Haddad",
    "Diallo", "N'Diaye", "Traoré", "Boucher", "Carré", "Lacroix", "Besson", "Charpentier",
    "Poirier", "Giraud", "Rivière", "Deschamps", "Maillard", "Lebrun", "Hubert",
    "Martin-Dupuis", "Pichon", "Tessier", "Collet", "Renaud", "Lemoine", "Vidal",
)

#: (postcode, commune as La Poste and the INSEE write it with its accents and hyphens).
COMMUNES = (
    ("01000", "Bourg-en-Bresse"), ("02000", "Laon"), ("02100", "Saint-Quentin"),
    ("03000", "Moulins"), ("04000", "Digne-les-Bains"), ("05000", "Gap"), ("06000", "Nice"),
    ("06400", "Cannes"), ("07000", "Privas"), ("08000", "Charleville-Mézières"),
    ("09000", "Foix"), ("10000", "Troyes"), ("13001", "Marseille"), ("13008", "Marseille"),
    ("13100", "Aix-en-Provence"), ("14000", "Caen"), ("17000", "La Rochelle"),
    ("21000", "Dijon"), ("25000", "Besançon"), ("26000", "Valence"), ("29200", "Brest"),
    ("29000", "Quimper"), ("30000", "Nîmes"), ("31000", "Toulouse"), ("33000", "Bordeaux"),
    ("34000", "Montpellier"), ("34500", "Béziers"), ("35000", "Rennes"),
    ("35400", "Saint-Malo"), ("37000", "Tours"), ("38000", "Grenoble"),
    ("42000", "Saint-Étienne"), ("44000", "Nantes"), ("44600", "Saint-Nazaire"),
    ("45000", "Orléans"), ("49000", "Angers"), ("51100", "Reims"), ("54000", "Nancy"),
    ("56000", "Vannes"), ("57000", "Metz"), ("59000", "Lille"),
    ("59650", "Villeneuve-d'Ascq"), ("63000", "Clermont-Ferrand"), ("64000", "Pau"),
    ("64100", "Bayonne"), ("66000", "Perpignan"), ("67000", "Strasbourg"),
    ("68100", "Mulhouse"), ("69003", "Lyon"), ("69007", "Lyon"), ("72000", "Le Mans"),
    ("73000", "Chambéry"), ("74000", "Annecy"), ("75008", "Paris"), ("75011", "Paris"),
    ("75015", "Paris"), ("75020", "Paris"), ("76000", "Rouen"), ("78000", "Versailles"),
    ("78100", "Saint-Germain-en-Laye"), ("79000", "Niort"), ("84000", "Avignon"),
    ("86000", "Poitiers"), ("87000", "Limoges"), ("91700", "Sainte-Geneviève-des-Bois"),
    ("92100", "Boulogne-Billancourt"), ("92200", "Neuilly-sur-Seine"),
    ("93100", "Montreuil"), ("93200", "Saint-Denis"), ("94100", "Saint-Maur-des-Fossés"),
    ("94300", "Vincennes"), ("97400", "Saint-Denis"), ("20000", "Ajaccio"),
    ("20200", "Bastia"),
)

#: (full street type, the abbreviations people type for it).
STREET_TYPES = (
    ("rue", ("rue", "r.", "Rue")),
    ("avenue", ("av.", "av", "Av.", "avenue", "ave")),
    ("boulevard", ("bd", "Bd", "bld", "boulevard", "boul.")),
    ("place", ("pl.", "place", "Pl")),
    ("chemin", ("ch.", "chemin", "chem.")),
    ("allée", ("all.", "allée", "allee")),
    ("impasse", ("imp.", "impasse", "imp")),
    ("route", ("rte", "route", "Rte")),
    ("quai", ("quai",)),
    ("cours", ("cours", "crs")),
)
#: (street name as written on the sign, the shortened forms people type).
STREET_NAMES = (
    ("des Lilas", ()), ("Victor Hugo", ()), ("Jean Jaurès", ("Jean Jaures",)),
    ("de la République", ("de la Republique",)),
    ("du Général de Gaulle", ("du Gal de Gaulle", "du Gén. de Gaulle", "du Gal. de Gaulle")),
    ("Pasteur", ()), ("de la Gare", ()), ("des Écoles", ("des Ecoles",)),
    ("du Maréchal Foch", ("du Mal Foch", "du Marechal Foch")),
    ("Saint-Michel", ("St Michel", "St-Michel")), ("des Tilleuls", ()), ("du Moulin", ()),
    ("de Verdun", ()), ("Gambetta", ()), ("Émile Zola", ("Emile Zola",)),
    ("Anatole France", ()), ("de la Liberté", ("de la Liberte",)), ("des Acacias", ()),
    ("du Château", ("du Chateau",)), ("de l'Église", ("de l'Eglise", "de l Eglise")),
    ("Pierre et Marie Curie", ()), ("du 8 Mai 1945", ("du 8 mai 1945",)),
    ("du 11 Novembre 1918", ()), ("Nationale", ()), ("des Peupliers", ()),
    ("du Stade", ()), ("de Bretagne", ()), ("des Vignes", ()), ("du Port", ()),
    ("Sainte-Catherine", ("Ste Catherine", "Ste-Catherine")),
)
#: Building complements (truth, and the way they are typed).
COMPLEMENTS = (
    ("Bâtiment B", ("Bât. B", "Bat B", "bat. B", "BAT B")),
    ("Appartement 12", ("Apt 12", "Appt 12", "app. 12", "Apt. 12")),
    ("Résidence Les Pins", ("Rés. Les Pins", "Res les Pins", "Résidence les Pins")),
    ("Escalier C", ("Esc. C", "esc C")),
    ("Lieu-dit La Croix", ("Lieu dit La Croix", "LD La Croix")),
)
#: Repetition indexes; "B" is both "bis" and the letter index B, scored as either.
REPEATS = (("bis", ("bis", "B", "b", "Bis")), ("ter", ("ter", "T", "Ter")))

#: (domain, weight).
EMAIL_DOMAINS = (
    ("gmail.com", 30), ("orange.fr", 14), ("hotmail.fr", 9), ("wanadoo.fr", 8),
    ("free.fr", 8), ("yahoo.fr", 7), ("laposte.net", 5), ("sfr.fr", 5), ("outlook.fr", 4),
    ("hotmail.com", 3), ("icloud.com", 3), ("live.fr", 3), ("neuf.fr", 2), ("bbox.fr", 2),
    ("aol.com", 1),
)
#: Typos of each domain as customers type them (the truth keeps the right domain).
DOMAIN_TYPOS = {
    "gmail.com": ("gmial.com", "gmail.fr", "gmal.com", "gmail.con", "gmai.com", "gamil.com"),
    "orange.fr": ("ornage.fr", "orange.fe", "oragne.fr", "orang.fr"),
    "hotmail.fr": ("hotmial.fr", "hotmail.rf", "hotmai.fr", "hotmal.fr"),
    "hotmail.com": ("hotmial.com", "hotmail.co"),
    "wanadoo.fr": ("wanado.fr", "wanadoo.ff", "wannadoo.fr"),
    "free.fr": ("free.rf", "fre.fr"),
    "yahoo.fr": ("yaho.fr", "yahou.fr", "yahoo.ff"),
    "laposte.net": ("lapost.net", "laposte.ne"),
    "sfr.fr": ("sfr.rf",),
    "outlook.fr": ("outlok.fr", "outloock.fr"),
}

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)
NOTES = (
    "", "", "", "", "Cliente fidèle", "A rappeler", "Vu au salon de Lyon", "Parrainé par sa soeur",
    "Ne pas appeler le midi", "Préfère les SMS", "Client depuis 2012", "carte fidélité perdue",
    "Allergique aux noix", "Commande en attente", "RAS", "voir avec Julie",
)
