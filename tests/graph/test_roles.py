"""Key roles (DGS, director, president…) recognised from free-text titles."""

import pytest

from graph.roles import is_key_role, key_role_kind, normalise_title


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("DGS", "dgs"),
        ("D.G.S.", "dgs"),
        ("dgs par intérim", "dgs"),
        ("Directrice générale des services", "dgs"),
        ("DIRECTEUR GÉNÉRAL DES SERVICES", "dgs"),
        ("Directeur", "director"),
        ("Directrice du PETR", "director"),
        ("Président", "president"),
        ("présidente", "president"),
        ("Maire", "mayor"),
        ("Sous-préfète", "prefect"),
        ("Secrétaire générale", "secretary_general"),
    ],
)
def test_heads_are_key_roles_whatever_the_case_accents_or_gender(title, kind):
    assert key_role_kind(title) == kind
    assert is_key_role(title)


@pytest.mark.parametrize(
    "title",
    [
        "Vice-président délégué à la mobilité",
        "Vice-Présidente",
        "DGA",
        "Directeur adjoint",
        "Adjoint au maire",
        "Maire-adjointe",
        "Président de la commission aménagement",
        "Chargée de mission mobilité",
        "Conseiller communautaire",
        "",
        None,
    ],
)
def test_deputies_and_staff_are_not_key_roles(title):
    assert not is_key_role(title)


def test_a_blank_title_counts_as_key_when_the_category_is_executive():
    assert key_role_kind("", "executive") == "director"
    assert not is_key_role("", "technical")


def test_titles_are_compared_without_accents_case_or_punctuation():
    assert normalise_title("  Directrice Générale des Services (D.G.S.) ") == (
        "directrice generale des services dgs"
    )
