"""Recommended actions, in French, for each kind of gap in liaison.

Drawn from the practice of PETR and pays directors: know who heads each member body (the DGS
and the president), turn meetings into a regular rhythm, add informal moments (a lunch, a
coffee, an élus' office hour), never let a liaison rest on one person, bring member élus
into the body's bureau, and share an action plan when activity drops. Each text names the
institutions and people concerned so that it can be read out of context (exported, printed).
"""

from __future__ import annotations

_VOWELS = tuple("aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ")


def de(name: str) -> str:
    """« de » or « d' » before a name: ``de("Agglo du Pays")`` → ``"d'Agglo du Pays"``."""
    return f"d'{name}" if name.startswith(_VOWELS) else f"de {name}"


def _with(person: str | None, title: str | None) -> str:
    if not person:
        return ""
    return f"{person} ({title})" if title else person


def missing_liaison(ours: str, theirs: str, contact: str | None, title: str | None) -> str:
    if contact:
        first_step = f"proposer un premier rendez-vous à {_with(contact, title)}"
    else:
        first_step = (
            f"identifier la ou le DGS et la présidence {de(theirs)}, puis leur proposer un "
            "premier rendez-vous"
        )
    return (
        f"Aucun échange entre {ours} et {theirs} sur la période : {first_step}, puis fixer un "
        "rendez-vous régulier (point trimestriel entre directions, déjeuner de travail)."
    )


def dormant_liaison(ours: str, theirs: str, last_day: str, days: int, contacts: list[str]) -> str:
    who = f" avec {', '.join(contacts)}" if contacts else ""
    return (
        f"Relancer la liaison entre {ours} et {theirs} (dernier échange le {last_day}, il y a "
        f"{days} jours) : proposer un point d'étape{who}, puis l'inscrire dans un rythme "
        "régulier (déjeuner trimestriel, permanence d'élus commune)."
    )


def single_thread(sides: list[tuple[str, str]], other_of: dict[str, str]) -> str:
    """``sides``: (institution, its only contact person) for each single-threaded side."""
    parts = [
        f"désigner un second interlocuteur {de(inst)} pour la liaison avec {other_of[inst]} "
        f"(tout passe aujourd'hui par {person})"
        for inst, person in sides
    ]
    text = " ; ".join(parts)
    return (
        text[:1].upper()
        + text[1:]
        + " : l'associer aux prochains rendez-vous, en binôme élu–technicien."
    )


def formal_only(ours: str, theirs: str, count: int) -> str:
    return (
        f"Les {count} échanges entre {ours} et {theirs} sont tous formels : compléter les "
        "réunions par des moments informels (un déjeuner ou un café régulier entre "
        "directions, une permanence d'élus commune), où se prennent souvent les décisions."
    )


def weakening_liaison(ours: str, theirs: str, before: int, recent: int, days: int) -> str:
    return (
        f"L'activité entre {ours} et {theirs} est passée de {before} à {recent} échanges "
        f"(sur {days} jours) : convenir d'un plan d'action partagé et d'un rendez-vous "
        "régulier (point mensuel) pour le suivre."
    )


def unidentified_key_role(institution: str, missing: list[str], body: str | None) -> str:
    wanted = {
        "executive_head": "la ou le DGS (direction générale des services) ou la direction",
        "elected_head": "la présidente ou le président (ou la ou le maire)",
    }
    who = " et ".join(wanted[m] for m in missing)
    meet = f", puis leur proposer une rencontre avec {body}" if body else ""
    return f"Identifier {who} {de(institution)} et l'enregistrer dans Maillage{meet}."


def no_elected_bridge(member: str, body: str, president: str | None) -> str:
    who = f"{president}, président·e {de(member)}," if president else f"la présidence {de(member)}"
    return (
        f"Aucun élu {de(member)} ne siège à {body} : inviter {who} au bureau {de(body)}, ou "
        f"faire désigner un délégué {de(member)} au comité syndical."
    )


def isolated_actor(person: str, title: str, institution: str, body: str | None) -> str:
    invite = f"à la prochaine réunion {de(body)}" if body else "à la prochaine réunion"
    return (
        f"{person} ({title}, {institution}) n'a participé à aucun échange sur la période : "
        f"l'inviter personnellement {invite} ou lui proposer un rendez-vous en tête-à-tête."
    )


def broker_dependency(person: str, kept: str, cut_off: list[str]) -> str:
    return (
        f"Tous les liens entre {kept} et {', '.join(cut_off)} passent par {person} : désigner "
        "un second interlocuteur et organiser une rencontre directe (réunion de travail "
        "commune) pour ne pas dépendre d'une seule personne."
    )
