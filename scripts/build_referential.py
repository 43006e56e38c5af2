#!/usr/bin/env python3
"""Rebuild the national referential shipped inside Maillage.

Input: the npm tarball of ``@etalab/decoupage-administratif`` (Etalab, Licence Ouverte 2.0)
and the SIREN list of State deconcentrated services kept in ``shared/data``. Output: one
compact gzip'd JSON file read by ``maillage referential load`` with no network.

    npm pack @etalab/decoupage-administratif@6.0.0
    python scripts/build_referential.py etalab-decoupage-administratif-6.0.0.tgz \
        --state-services ../shared/data/etat_services_deconcentres_siren_zlv.csv

Only metropolitan France and the five DROM are kept (18 régions, 101 départements); the
collectivités d'outre-mer have neither départements nor EPCI à fiscalité propre.
"""

import argparse
import csv
import gzip
import json
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.siren import is_valid_siren  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[1] / "app" / "referential" / "data" / "france.json.gz"
KEPT_ZONES = {"metro", "drom"}


def read_package_json(tarball: Path, name: str) -> list[dict]:
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(f"package/data/{name}.json")
        if member is None:
            raise SystemExit(f"{tarball}: package/data/{name}.json is missing")
        return json.load(member)


def package_version(tarball: Path) -> str:
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/package.json")
        return json.load(member)["version"] if member else "unknown"


def build(tarball: Path, state_services_csv: Path | None) -> dict:
    regions = [r for r in read_package_json(tarball, "regions") if r["zone"] in KEPT_ZONES]
    departements = [d for d in read_package_json(tarball, "departements") if d["zone"] in KEPT_ZONES]
    communes = [
        c
        for c in read_package_json(tarball, "communes")
        if c["type"] == "commune-actuelle" and c["zone"] in KEPT_ZONES
    ]
    epcis = read_package_json(tarball, "epci")
    commune_codes = {c["code"] for c in communes}

    population_by_departement: dict[str, int] = defaultdict(int)
    population_by_region: dict[str, int] = defaultdict(int)
    for commune in communes:
        population_by_departement[commune["departement"]] += commune.get("population") or 0
        population_by_region[commune["region"]] += commune.get("population") or 0

    bad_sirens = [e["code"] for e in epcis if not is_valid_siren(e["code"])]
    bad_sirens += [c["siren"] for c in communes if c.get("siren") and not is_valid_siren(c["siren"])]
    if bad_sirens:
        raise SystemExit(f"invalid SIRENs in the source: {bad_sirens[:10]}")
    unknown_members = [m["code"] for e in epcis for m in e["membres"] if m["code"] not in commune_codes]
    if unknown_members:
        raise SystemExit(f"EPCI members that are not current communes: {unknown_members[:10]}")

    departement_region = {d["code"]: d["region"] for d in departements}
    document = {
        "format": 1,
        "source": {
            "package": "@etalab/decoupage-administratif",
            "version": package_version(tarball),
            "licence": "Licence Ouverte / Open Licence 2.0 (Etalab)",
        },
        "regions": [[r["code"], r["nom"], population_by_region[r["code"]]] for r in regions],
        "departements": [
            [d["code"], d["nom"], d["region"], population_by_departement[d["code"]]] for d in departements
        ],
        "communes": [
            [c["code"], c["nom"], c.get("siren"), c["departement"], c["region"], c.get("population")]
            for c in communes
        ],
        "epcis": [
            [e["code"], e["nom"], e["type"], e.get("populationMunicipale"), [m["code"] for m in e["membres"]]]
            for e in epcis
        ],
        "state_services": [],
    }
    if state_services_csv is not None:
        document["state_services"] = read_state_services(state_services_csv, departement_region)
    return document


def read_state_services(path: Path, departement_region: dict[str, str]) -> list[list]:
    """DDT(M), DEAL, DREAL… with their SIREN and the départements they cover."""
    services: dict[str, list] = {}
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter=";")
        next(rows)  # header "SIREN;;type;"
        for siren, name, subtype, covered, *_ in rows:
            if not is_valid_siren(siren):
                print(f"skipped {name}: invalid SIREN {siren}", file=sys.stderr)
                continue
            codes = [code.strip() for code in covered.split(",") if code.strip()]
            regions = {departement_region.get(code) for code in codes}
            departement = codes[0] if len(codes) == 1 else None
            region = regions.pop() if len(regions) == 1 else None
            services[siren] = [siren, name.strip(), subtype.strip().lower(), departement, region]
    return sorted(services.values(), key=lambda row: row[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tarball", type=Path)
    parser.add_argument("--state-services", type=Path)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    document = build(args.tarball, args.state_services)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    tmp = args.out.with_suffix(".tmp")
    # mtime=0: the same input gives the same bytes, so the committed file only changes with its data.
    with gzip.GzipFile(tmp, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload)
    tmp.replace(args.out)
    counts = {key: len(document[key]) for key in ("regions", "departements", "epcis", "communes", "state_services")}
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {counts}")


if __name__ == "__main__":
    main()
