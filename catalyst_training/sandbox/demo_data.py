"""What the demo course run holds: territories, cohorts, people and where each learner stands.

Data only (no database access): `seed.py` turns it into rows through the real services.
"""

from __future__ import annotations

from dataclasses import dataclass

# Profiles: where a learner stands in the programme.
NOT_STARTED, STALLED, IN_PROGRESS = "not_started", "stalled", "in_progress"
SUBMITTED, RESUBMITTED, RETURNED = "submitted", "resubmitted", "returned"
APPROVED, COMPLETED = "approved", "completed"

SUB_PREFIX = "demo-"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"


@dataclass(frozen=True)
class CohortPlan:
    """A territory (real code) and the demo cohort of the course run that starts from it."""

    territory: str
    code: str
    region: str
    name: str
    slug: str
    mentor: tuple[str, str, str]  # sub, given name, family name (the first: the sandbox mentor)


COHORTS = (
    CohortPlan(
        territory="Guéret",
        code="23096",  # INSEE commune code
        region="Nouvelle-Aquitaine",
        name="Cohorte Creuse – Guéret",
        slug="demo-gueret",
        mentor=("sandbox-mentor", "Dominique", "Mentor"),
    ),
    CohortPlan(
        territory="Eurométropole de Strasbourg",
        code="246700488",  # EPCI SIREN
        region="Grand Est",
        name="Cohorte Eurométropole de Strasbourg",
        slug="demo-strasbourg",
        mentor=("demo-mentor-strasbourg", "Nadia", "Benali"),
    ),
)

# (given name, family name, profile) per cohort, in the order of COHORTS.
LEARNERS = (
    (
        ("Léa", "Martin", COMPLETED),
        ("Hugo", "Bernard", COMPLETED),
        ("Chloé", "Dubois", APPROVED),
        ("Louis", "Thomas", SUBMITTED),
        ("Manon", "Robert", SUBMITTED),
        ("Gabriel", "Richard", SUBMITTED),
        ("Inès", "Petit", RESUBMITTED),
        ("Arthur", "Durand", RETURNED),
        ("Jade", "Leroy", RETURNED),
        ("Raphaël", "Moreau", IN_PROGRESS),
        ("Louise", "Simon", IN_PROGRESS),
        ("Jules", "Laurent", IN_PROGRESS),
        ("Alice", "Lefebvre", STALLED),
        ("Adam", "Michel", STALLED),
        ("Lina", "Garcia", NOT_STARTED),
        ("Nathan", "David", NOT_STARTED),
    ),
    (
        ("Emma", "Bertrand", COMPLETED),
        ("Lucas", "Roux", COMPLETED),
        ("Rose", "Vincent", APPROVED),
        ("Tom", "Fournier", APPROVED),
        ("Mila", "Morel", SUBMITTED),
        ("Sacha", "Girard", SUBMITTED),
        ("Anna", "André", RETURNED),
        ("Noah", "Lefèvre", IN_PROGRESS),
        ("Zoé", "Mercier", IN_PROGRESS),
        ("Ethan", "Dupont", IN_PROGRESS),
        ("Camille", "Lambert", STALLED),
        ("Yasmine", "Bonnet", STALLED),
        ("Paul", "François", NOT_STARTED),
        ("Eva", "Martinez", NOT_STARTED),
    ),
)

TEXTS = (
    "Notre territoire compte une quarantaine d'associations actives et deux zones "
    "d'activités. Les élus veulent relier les entreprises aux structures d'insertion : "
    "je propose de commencer par un petit-déjeuner des acteurs au tiers-lieu.",
    "J'ai cartographié les acteurs publics : la commune, la communauté de communes, le "
    "département et la mission locale. Le point de blocage est le portage de l'animation : "
    "personne ne l'a encore pris en charge.",
    "Trois entreprises du bassin d'emploi sont prêtes à accueillir des stages de "
    "découverte. L'alliance pourrait naître autour de la mobilité des jeunes, sujet "
    "partagé par tous les acteurs que j'ai rencontrés.",
    "Bilan de la première réunion : douze participants, trois engagements concrets et "
    "une prochaine date fixée. Il manque encore un représentant des entreprises.",
)
RETURN_REASON = (
    "Votre diagnostic est prometteur mais reste général : nommez au moins trois acteurs "
    "de votre territoire et dites ce que chacun apporterait à l'alliance."
)
FEEDBACK = "Travail clair et concret, merci. Gardez ce niveau de précision pour la suite."
ATTACHMENT_NAME = "diagnostic-territoire.pdf"
# A one-page PDF: small, valid, opened by any reader.
ATTACHMENT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 56>>stream\nBT /F1 18 Tf 72 760 Td (Diagnostic du territoire) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ATTACHMENT_TEXT = b"Diagnostic du territoire : acteurs, ressources, premiers contacts.\n"
