#!/usr/bin/env python3
"""Import benchmark: a 100,000-row interactions CSV and a 100,000-row RNE file into SQLite.

    .venv/bin/python bench/imports.py [--rows 100000]

Each file is generated, then imported the way `maillage import` does it (one transaction,
committed), into a fresh migrated SQLite database holding the national referential:
(a) CSV: a people file (3,000 people), then an interactions file of ``--rows`` rows with 2–8
    participants each (by ref and by email), in the template's columns;
(b) RNE: a conseillers municipaux file of ``--rows`` élus spread over the referential's
    communes, imported with ``--all`` (every row), then imported again (nothing changes).
Prints the times. Figures go in bench/README.md ("Imports").
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app.database import create_db_engine, transaction  # noqa: E402
from app.models import Institution  # noqa: E402
from app.schema import upgrade  # noqa: E402
from app.services.imports import import_csv, import_rne  # noqa: E402
from app.services.referential import load_referential  # noqa: E402
from app.services.workspaces import create_workspace  # noqa: E402

PEOPLE = 3_000
KINDS = ["réunion", "informel", "appel", "permanence", "visite", ""]
FIRST = ["Camille", "Jean", "Marie", "Luc", "Anne", "Paul", "Léa", "José", "Hélène", "Sébastien", "Claire", "Noé"]
LAST = ["MARTIN", "DURAND", "PETIT", "BERNARD", "DUPRÉ", "FAURÉ", "GARÇON", "ROUX", "MOREAU", "LEFÈVRE"]
RNE_HEADER = ("Code du département;Libellé du département;Code de la collectivité à statut particulier;"
              "Libellé de la collectivité à statut particulier;Code de la commune;Libellé de la commune;"
              "Nom de l'élu;Prénom de l'élu;Code sexe;Date de naissance;Code de la catégorie socio-professionnelle;"
              "Libellé de la catégorie socio-professionnelle;Date de début du mandat;Libellé de la fonction;"
              "Date de début de la fonction;Code nationalité")


def people_csv() -> bytes:
    lines = ["full_name;email;ref;is_public_figure;notes"]
    lines += [f"Personne {i};personne{i}@bench.example;P{i};non;" for i in range(PEOPLE)]
    return ("\n".join(lines) + "\n").encode()


def interactions_csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0)
    lines = ["external_id;occurred_at;kind;formal;title;summary;location;topics;organiser;participants;source"]
    for n in range(rows):
        people = rng.sample(range(PEOPLE), rng.randint(2, 8))
        entries = [f"ref:P{p}" if p % 2 else f"personne{p}@bench.example" for p in people]
        when = start + timedelta(minutes=37 * n)
        lines.append(f"bench-{n};{when:%d/%m/%Y %H:%M};{rng.choice(KINDS)};;Réunion {n};;;mobilité|habitat;"
                     f"{entries[0]};{'|'.join(entries[1:])};")
    return ("\n".join(lines) + "\n").encode("utf-8")


def rne_csv(rows: int, communes: list[tuple[str, str]], seed: int = 11) -> bytes:
    rng = random.Random(seed)
    lines = [RNE_HEADER]
    for n in range(rows):
        code, name = communes[n % len(communes)]
        sex = rng.choice("MF")
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(60 * 365))
        function = "" if n % 9 else rng.choice(["Maire", "1er adjoint au maire", "2ème adjoint au maire"])
        lines.append(f"{code[:2]};Département;;;{code};{name};{rng.choice(LAST)}{n};{rng.choice(FIRST)};{sex};"
                     f"{birth:%d/%m/%Y};;;15/03/2026;{function};{'22/03/2026' if function else ''};FR")
    return ("\n".join(lines) + "\n").encode("utf-8")


def timed(label: str, run) -> object:
    started = time.perf_counter()
    report = run()
    elapsed = time.perf_counter() - started
    counts = "; ".join(f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
                       for name, c in report.counts.items())
    print(f"{label:<46} {elapsed:6.1f} s   {counts}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        upgrade(url)
        engine = create_db_engine(url)
        with transaction(engine) as session:
            load_referential(session)
            create_workspace(session, slug="bench")
            communes = [(c, n) for c, n in session.execute(
                select(Institution.insee_code, Institution.name).where(Institution.kind == "commune")
                .order_by(Institution.insee_code))]

        files = {"people": people_csv(), "interactions": interactions_csv(args.rows),
                 "rne": rne_csv(args.rows, communes)}
        print(f"files: interactions CSV {len(files['interactions']) / 1e6:.1f} MB, "
              f"RNE {len(files['rne']) / 1e6:.1f} MB (SQLite, one transaction per import)")

        def csv_run(kind: str):
            def run():
                with transaction(engine) as session:
                    from app.services.workspaces import get_workspace
                    return import_csv(session, workspace=get_workspace(session, slug="bench"), data=files[kind],
                                      kind=kind, actor="bench")
            return run

        def rne_run():
            with transaction(engine) as session:
                from app.services.workspaces import get_workspace
                return import_rne(session, workspace=get_workspace(session, slug="bench"), data=files["rne"],
                                  actor="bench", include_all=True)

        timed("CSV people (3,000)", csv_run("people"))
        timed(f"CSV interactions ({args.rows:,}), first import", csv_run("interactions"))
        timed(f"CSV interactions ({args.rows:,}), again", csv_run("interactions"))
        timed(f"RNE conseillers municipaux ({args.rows:,}), --all", rne_run)
        timed(f"RNE conseillers municipaux ({args.rows:,}), again", rne_run)
        engine.dispose()


if __name__ == "__main__":
    main()
