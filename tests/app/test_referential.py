"""The national referential loaded from the Etalab files shipped in the package."""

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.models import Institution, InstitutionMembership
from app.services.referential import load_referential, read_referential_file
from app.siren import is_valid_siren


def count(db, kind):
    return db.scalar(
        select(func.count()).select_from(Institution).where(Institution.kind == kind, Institution.workspace_id.is_(None))
    )


def test_counts_match_the_etalab_files(db):
    document = read_referential_file()
    assert document["source"] == {
        "package": "@etalab/decoupage-administratif",
        "version": "6.0.0",
        "licence": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    }
    assert count(db, "region") == 18
    assert count(db, "departement") == 101
    assert count(db, "epci") == 1255
    assert count(db, "commune") == len(document["communes"]) == 34875


def test_every_commune_to_epci_membership_is_loaded(db):
    document = read_referential_file()
    expected = sum(len(epci[4]) for epci in document["epcis"])
    group = aliased(Institution)
    loaded = db.scalar(
        select(func.count())
        .select_from(InstitutionMembership)
        .join(group, group.id == InstitutionMembership.group_id)
        .where(group.kind == "epci")
    )
    assert loaded == expected == 34871


def test_a_second_load_changes_nothing(db):
    report = load_referential(db)
    assert not report.changed
    assert sum(report.unchanged.values()) == 18 + 101 + 1255 + 34875 + 92


def test_sirens_and_codes_are_kept(db):
    castelnaudary = db.scalars(select(Institution).where(Institution.kind == "commune", Institution.insee_code == "11076")).one()
    assert castelnaudary.name == "Castelnaudary"
    assert castelnaudary.departement_code == "11" and castelnaudary.region_code == "76"
    assert castelnaudary.population and castelnaudary.population > 10000
    epci = db.scalars(select(Institution).where(Institution.siren == "200035855")).one()
    assert (epci.kind, epci.subtype, epci.name) == ("epci", "CC", "CC Castelnaudary Lauragais Audois")
    member_of = db.scalar(
        select(InstitutionMembership.group_id).where(InstitutionMembership.member_id == castelnaudary.id)
    )
    assert member_of == epci.id
    sirens = db.scalars(select(Institution.siren).where(Institution.siren.is_not(None)))
    assert all(is_valid_siren(siren) for siren in sirens)


def test_state_services_carry_their_real_siren(db):
    ddtm = db.scalars(select(Institution).where(Institution.siren == "130009004")).one()
    assert (ddtm.name, ddtm.kind, ddtm.subtype, ddtm.departement_code) == ("DDTM Aude", "state_service", "ddtm", "11")


def test_a_changed_name_is_updated_in_place(db):
    document = read_referential_file()
    document["regions"] = [[c, "Occitanie (renommée)" if c == "76" else n, p] for c, n, p in document["regions"]]
    report = load_referential(db, document=document)
    assert report.updated == {"region": 1}
    assert db.scalar(select(Institution.name).where(Institution.kind == "region", Institution.insee_code == "76")) == (
        "Occitanie (renommée)"
    )
