"""Interface names of the codes, as messages to translate (English here; Chinese in the
catalogue)."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention: mark for extraction only
    return message


LABELS: dict[str, dict[str, str]] = {
    "industry": {
        "new-materials": N_("New materials"),
        "laser-equipment": N_("Laser equipment"),
        "intelligent-manufacturing": N_("Intelligent manufacturing"),
        "petrochemical": N_("Petrochemicals"),
        "plastics": N_("Plastic products"),
        "membranes-water": N_("Membranes and water treatment"),
        "environmental": N_("Energy saving and environment"),
        "energy": N_("New energy"),
        "aviation": N_("General aviation"),
        "biomedical": N_("Biomedicine"),
        "pipeline-equipment": N_("Pipeline equipment"),
        "automotive": N_("Automotive and parts"),
        "electronics-ict": N_("Electronics and ICT"),
        "agriculture-food": N_("Agriculture and food"),
    },
    "cooperation": {
        "transfer": N_("Technology transfer"),
        "license": N_("Licence"),
        "joint-development": N_("Joint development"),
        "commissioned": N_("Commissioned development"),
        "equity": N_("Technology as equity"),
        "consulting": N_("Consulting and services"),
    },
    "region": {
        "cangzhou-hitech": N_("Cangzhou High-tech Zone"),
        "zhongjie-hitech": N_("Zhongjie High-tech Zone"),
        "beijing": N_("Beijing"),
        "tianjin": N_("Tianjin"),
        "hebei": N_("Hebei"),
        "cee": N_("Central and Eastern Europe"),
    },
    "group": {
        "jingjin": N_("Beijing–Tianjin"),
        "hebei": N_("Hebei"),
        "cee": N_("Central and Eastern Europe"),
    },
    "maturity": {
        "lab": N_("Laboratory"),
        "pilot": N_("Pilot scale"),
        "industrial": N_("Industrial"),
    },
    "ip": {
        "patent": N_("Granted patent"),
        "patent_pending": N_("Patent pending"),
        "know_how": N_("Know-how"),
        "software": N_("Software copyright"),
    },
    "status": {
        "suggested": N_("Suggested"),
        "shortlisted": N_("Shortlisted"),
        "recommended": N_("Recommended"),
        "connected": N_("Connected"),
        "contracted": N_("Contracted"),
        "rejected": N_("Rejected"),
        "withdrawn": N_("Withdrawn"),
        "open": N_("Open"),
        "closed": N_("Closed"),
        "draft": N_("Draft"),
        "transferred": N_("Transferred"),
    },
    "reason": {
        "too_early": N_("Too early a stage"),
        "benefit_unclear": N_("Benefit unclear"),
        "cost": N_("Cost"),
        "ip_unclear": N_("IP unclear"),
        "already_solved": N_("Already solved"),
        "not_relevant": N_("Not relevant"),
        "other": N_("Other"),
    },
    "contract": {
        "development": N_("Technology development"),
        "transfer": N_("Technology transfer"),
        "license": N_("Technology licence"),
        "consulting": N_("Technology consulting"),
        "service": N_("Technology service"),
    },
    "response": {
        "interested": N_("Interested"),
        "declined": N_("Declined"),
    },
    "field": {
        "cooperation": N_("Cooperation mode"),
        "money": N_("Budget and price"),
        "maturity": N_("Maturity"),
    },
    "check": {
        "agree": N_("agrees"),
        "clash": N_("clashes"),
        "caution": N_("check"),
        "unknown": N_("not stated"),
    },
    "role": {
        "admin": N_("Administrator"),
        "staff": N_("Transfer-centre staff"),
        "enterprise": N_("Enterprise"),
        "institute": N_("Institute"),
    },
}
