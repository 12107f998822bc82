"""The demo register as data: 34 fictional providers and their 72 strands of provision.

Every name is invented for the demo. Districts are keys of the reference data; "all" means all
five. A strand's `size` scales its caseload and its allocation against others of its category.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.vocabulary import AgreementType, OrganisationType, Scope

ALL_DISTRICTS = ("bradford", "calderdale", "kirklees", "leeds", "wakefield")
DEMO_START = dt.date(2022, 4, 1)
DEMO_END = dt.date(2025, 3, 31)

CVSE = OrganisationType.CVSE
LA = OrganisationType.LOCAL_AUTHORITY
TRUST = OrganisationType.HOSPITAL_TRUST
NATIONAL, REGIONAL, LOCAL = Scope.NATIONAL, Scope.REGIONAL, Scope.LOCAL
CONTRACT, GRANT = AgreementType.CONTRACT, AgreementType.GRANT

# Themes a strand of a category carries unless its plan says more.
CATEGORY_THEMES = {
    "idva": ("women_girls",),
    "isva": ("women_girls",),
    "domestic_abuse_refuge": ("women_girls",),
    "hate_crime": ("edi",),
    "children_young_people": ("early_intervention",),
    "exploitation_modern_slavery": ("early_intervention",),
}


@dataclass(frozen=True)
class StrandPlan:
    name: str
    category: str
    agreement: AgreementType = CONTRACT
    priority: int = 1
    themes: tuple[str, ...] = ()
    districts: tuple[str, ...] | None = None  # None: the provider's districts
    start: dt.date = DEMO_START
    size: float = 1.0

    @property
    def all_themes(self) -> tuple[str, ...]:
        wanted = CATEGORY_THEMES.get(self.category, ()) + self.themes
        return tuple(dict.fromkeys(wanted))


@dataclass(frozen=True)
class ProviderPlan:
    name: str
    organisation_type: OrganisationType
    scope: Scope
    districts: tuple[str, ...]
    strands: tuple[StrandPlan, ...]
    charity: bool = False


def _s(name: str, category: str, **options) -> StrandPlan:
    return StrandPlan(name=name, category=category, **options)


def _cvse(name, scope, districts, *strands) -> ProviderPlan:
    return ProviderPlan(name, CVSE, scope, tuple(districts), tuple(strands), charity=True)


PROVIDERS: tuple[ProviderPlan, ...] = (
    _cvse(
        "Aire Valley Victim Support", LOCAL, ["bradford"],
        _s("Bradford victim support hub", "general_victim_support", size=1.6),
        _s("Bradford community IDVA service", "idva", size=1.3),
        _s("Bradford specialist domestic abuse court IDVA", "idva", size=0.8),
        _s("Bradford young victims' service", "children_young_people", agreement=GRANT, priority=4),
    ),
    _cvse(
        "Calder Women's Aid Partnership", LOCAL, ["calderdale"],
        _s("Calderdale community IDVA service", "idva", size=0.9),
        _s("Calderdale refuge support", "domestic_abuse_refuge"),
        _s("Calderdale domestic abuse recovery groups", "counselling_mental_health", agreement=GRANT,
           themes=("women_girls",), size=0.6),
    ),
    _cvse(
        "Pennine Restorative Justice Service", REGIONAL, ALL_DISTRICTS,
        _s("West Yorkshire restorative justice service", "restorative_justice", size=2.2),
        _s("Restorative justice in youth settings", "restorative_justice", agreement=GRANT,
           priority=4, themes=("early_intervention",), size=0.7),
    ),
    _cvse(
        "Riverside Sexual Violence Support Centre", REGIONAL, ["bradford", "leeds", "wakefield"],
        _s("Adult ISVA service", "isva", size=1.6),
        _s("Children and young people's ISVA service", "isva", themes=("early_intervention",)),
        _s("Sexual violence counselling service", "counselling_mental_health", themes=("women_girls",)),
        _s("Sexual violence support line", "general_victim_support", agreement=GRANT, size=0.5),
        _s("Adult survivors of childhood sexual abuse support", "counselling_mental_health",
           agreement=GRANT, size=0.6),
    ),
    _cvse(
        "Holme Valley Young Victims Project", LOCAL, ["kirklees"],
        _s("Kirklees young victims' support", "children_young_people", agreement=GRANT, priority=4),
    ),
    _cvse(
        "Five Towns Hate Crime Advocacy", LOCAL, ["wakefield"],
        _s("Wakefield hate crime advocacy", "hate_crime", agreement=GRANT, priority=2),
        _s("Wakefield third-party hate incident reporting centre", "hate_crime", agreement=GRANT,
           priority=2, size=0.5),
    ),
    _cvse(
        "Brightpath Anti-Slavery Network", NATIONAL, ALL_DISTRICTS,
        _s("Modern slavery survivor support", "exploitation_modern_slavery", priority=2),
        _s("Labour exploitation outreach", "exploitation_modern_slavery", agreement=GRANT,
           priority=2, start=dt.date(2023, 4, 1), size=0.6),
    ),
    _cvse(
        "Moorland Counselling Collective", REGIONAL, ["calderdale", "kirklees"],
        _s("Trauma counselling for victims of crime", "counselling_mental_health", agreement=GRANT),
        _s("Counselling for families bereaved by homicide", "counselling_mental_health",
           agreement=GRANT, size=0.3),
    ),
    _cvse(
        "Safe Harbour Domestic Abuse Service", LOCAL, ["leeds"],
        _s("Leeds community IDVA service", "idva", size=1.8),
        _s("Leeds MARAC IDVA service", "idva", size=1.2),
        _s("Leeds domestic abuse refuge support", "domestic_abuse_refuge", size=1.3),
        _s("Leeds children's domestic abuse recovery programme", "children_young_people",
           agreement=GRANT, priority=4, themes=("women_girls",)),
        _s("Leeds domestic abuse helpline", "general_victim_support", size=0.7),
    ),
    _cvse(
        "Kirkgate Advocacy Trust", LOCAL, ["leeds"],
        _s("Leeds stalking advocacy service", "general_victim_support", agreement=GRANT,
           priority=2, themes=("women_girls",), size=0.3),
        _s("Older victims' advocacy", "general_victim_support", agreement=GRANT,
           themes=("edi",), size=0.3),
    ),
    _cvse(
        "Wharfe Valley Survivors' Network", LOCAL, ["leeds"],
        _s("Leeds ISVA service", "isva", size=1.2),
        _s("Male survivors of sexual abuse support", "isva", agreement=GRANT, themes=("edi",), size=0.4),
    ),
    _cvse(
        "Spen Valley Family Support", LOCAL, ["kirklees"],
        _s("Child to parent abuse support", "children_young_people", agreement=GRANT, priority=4,
           size=0.6),
        _s("Support for families of young victims", "children_young_people", agreement=GRANT,
           priority=4, size=0.7),
    ),
    _cvse(
        "Northern Witness Care Partnership", REGIONAL, ALL_DISTRICTS,
        _s("Pre-trial witness support", "witness_support", size=1.5),
        _s("Young witness service", "witness_support", themes=("early_intervention",), size=0.6),
        _s("Court familiarisation visits", "witness_support", agreement=GRANT, size=0.4),
    ),
    _cvse(
        "Ridings Domestic Abuse Advocacy", REGIONAL, ["calderdale", "kirklees", "wakefield"],
        _s("Kirklees community IDVA service", "idva", districts=("kirklees",), size=1.2),
        _s("Wakefield community IDVA service", "idva", districts=("wakefield",), size=1.1),
        _s("Domestic abuse advocacy for disabled victims", "idva", agreement=GRANT,
           themes=("edi",), size=0.4),
    ),
    _cvse(
        "Lantern Sexual Abuse Support", LOCAL, ["bradford"],
        _s("Bradford ISVA service", "isva", size=1.1),
        _s("Bradford sexual violence counselling", "counselling_mental_health", agreement=GRANT,
           themes=("women_girls",), size=0.7),
    ),
    _cvse(
        "Colne Valley Victims' Hub", LOCAL, ["kirklees"],
        _s("Kirklees victim support hub", "general_victim_support", size=1.2),
    ),
    _cvse(
        "Hebden Haven Refuge", LOCAL, ["calderdale"],
        _s("Calderdale refuge accommodation-based support", "domestic_abuse_refuge",
           agreement=GRANT, size=0.6),
    ),
    _cvse(
        "Beacon Mental Health Recovery", REGIONAL, ALL_DISTRICTS,
        _s("Victims' mental health navigators", "counselling_mental_health", size=1.3),
        _s("Criminal justice and mental health liaison", "counselling_mental_health",
           agreement=GRANT, size=0.8),
    ),
    _cvse(
        "Equal Voices Hate Crime Alliance", REGIONAL, ALL_DISTRICTS,
        _s("West Yorkshire hate crime victim support", "hate_crime", priority=2, size=1.5),
        _s("LGBT+ hate crime advocacy", "hate_crime", agreement=GRANT, priority=2, size=0.5),
        _s("Disability hate crime advocacy", "hate_crime", agreement=GRANT, priority=2, size=0.4),
    ),
    _cvse(
        "New Horizons Youth Trust", LOCAL, ["wakefield"],
        _s("Wakefield young victims' service", "children_young_people", agreement=GRANT, priority=4),
        _s("Child criminal exploitation support", "exploitation_modern_slavery", agreement=GRANT,
           priority=2, size=0.8),
    ),
    _cvse(
        "Stepping Stones Recovery Project", LOCAL, ["wakefield"],
        _s("Wakefield victim support hub", "general_victim_support", size=1.1),
        _s("Wakefield domestic abuse refuge support", "domestic_abuse_refuge", size=0.8),
    ),
    _cvse(
        "Open Door Migrant Help", NATIONAL, ["bradford", "kirklees", "leeds"],
        _s("Advocacy for migrant victims of crime", "general_victim_support", agreement=GRANT,
           themes=("edi",), size=0.4),
    ),
    _cvse(
        "Clearwater Victim Advocacy", NATIONAL, ALL_DISTRICTS,
        _s("West Yorkshire victim care hub", "general_victim_support", size=6.0),
        _s("Victims' information and advice line", "general_victim_support", size=1.5),
        _s("Fraud and cybercrime victim support", "general_victim_support", priority=2,
           start=dt.date(2023, 4, 1), size=0.8),
    ),
    _cvse(
        "Heavy Woollen Community Advice Centre", LOCAL, ["kirklees"],
        _s("North Kirklees victim advice and advocacy", "general_victim_support", agreement=GRANT,
           size=0.5),
    ),
    _cvse(
        "Rosewood Women's Centre", LOCAL, ["bradford"],
        _s("Bradford women's centre IDVA", "idva", agreement=GRANT, size=0.7),
        _s("Honour-based abuse and forced marriage support", "idva", agreement=GRANT,
           themes=("edi",), size=0.4),
    ),
    _cvse(
        "Safer Futures Stalking Advocacy", NATIONAL, ALL_DISTRICTS,
        _s("West Yorkshire stalking advocacy", "general_victim_support", priority=2,
           themes=("women_girls",), size=0.4),
    ),
    _cvse(
        "Rainbow Lane LGBT+ Support", REGIONAL, ["bradford", "calderdale", "leeds"],
        _s("LGBT+ domestic abuse IDVA", "idva", agreement=GRANT, themes=("edi",), size=0.4),
    ),
    # Local authorities: invented names, one per district.
    ProviderPlan(
        "Bradford District Council", LA, LOCAL, ("bradford",),
        (
            _s("Bradford safe accommodation support", "domestic_abuse_refuge", size=1.1),
            _s("Bradford anti-social behaviour victim support", "general_victim_support",
               priority=3, size=0.6),
        ),
    ),
    ProviderPlan(
        "Calderdale Borough Council", LA, LOCAL, ("calderdale",),
        (_s("Calderdale hate crime and ASB victim support", "hate_crime", priority=2, size=0.6),),
    ),
    ProviderPlan(
        "Kirklees District Council", LA, LOCAL, ("kirklees",),
        (
            _s("Kirklees domestic abuse hub IDVA", "idva", size=0.9),
            _s("Kirklees early help for young victims", "children_young_people", priority=4),
        ),
    ),
    ProviderPlan(
        "Leeds District Council", LA, LOCAL, ("leeds",),
        (
            _s("Leeds safeguarding hub IDVA", "idva", size=1.0),
            _s("Leeds exploitation and missing children service", "exploitation_modern_slavery",
               priority=4, size=1.0),
        ),
    ),
    ProviderPlan(
        "Wakefield Borough Council", LA, LOCAL, ("wakefield",),
        (_s("Wakefield ASB victims' support", "general_victim_support", priority=3, size=0.5),),
    ),
    # Hospital trusts (invented).
    ProviderPlan(
        "West Riding Teaching Hospitals NHS Trust", TRUST, REGIONAL, ("leeds", "wakefield"),
        (
            _s("Emergency department IDVA", "idva", size=0.8),
            _s("Sexual assault referral centre ISVA", "isva", size=1.0),
        ),
    ),
    ProviderPlan(
        "Aire and Calder Hospitals NHS Foundation Trust", TRUST, REGIONAL,
        ("bradford", "calderdale", "kirklees"),
        (
            _s("Maternity IDVA service", "idva", size=0.6),
            _s("Hospital youth violence navigators", "children_young_people", priority=3,
               start=dt.date(2024, 4, 1), size=0.6),
        ),
    ),
)

# Invented people for the contact fields.
FIRST_NAMES = (
    "Amira", "Ben", "Chloe", "Daniel", "Ejaz", "Fiona", "Gareth", "Hannah", "Imran", "Jess",
    "Kate", "Liam", "Maryam", "Nadia", "Owen", "Priya", "Rachel", "Sam", "Tariq", "Una",
    "Vikram", "Wendy", "Yasmin", "Zoe",
)
LAST_NAMES = (
    "Akhtar", "Barker", "Clegg", "Dawson", "Ellis", "Firth", "Greenwood", "Hussain", "Iqbal",
    "Jagger", "Kaur", "Lister", "Mahmood", "Naylor", "Oldroyd", "Pickles", "Rashid", "Sutcliffe",
    "Thornton", "Whiteley",
)
