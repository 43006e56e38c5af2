"""The pages over HTTP, on the demo workspace: they render, roles and CSRF are enforced, forms
say what is wrong in French without losing what was typed, and a logged exchange reaches the
journal and the analysis. Runs on SQLite and PostgreSQL (``client`` → ``db`` → backend)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.models import ApiToken, ExpectedLiaison, Interaction, Person, User, Workspace
from app.models.base import utcnow
from app.services.analysis import full_analysis
from app.services.demo import create_demo
from app.services.people import create_person
from app.services.users import create_user
from tests.web.conftest import PASSWORD, csrf_of, login


@pytest.fixture
def demo(db) -> Workspace:
    # "Today" is the real today: the pages analyse the window that ends today.
    return create_demo(db, today=utcnow().date()).workspace


@pytest.fixture
def as_role(client, db, demo):
    """``as_role(role)`` → the client, logged in as a new user of the demo workspace."""

    def log_in(role: str):
        email = f"{role}@demo.example"
        if db.scalar(select(User.id).where(User.email == email)) is None:
            create_user(db, workspace=demo, email=email, role=role, password=PASSWORD)
        client.cookies.clear()
        assert login(client, email).status_code == 303
        return client

    return log_in


def text_of(html: str) -> str:
    """The visible text of a page, roughly (tags out, spaces collapsed, entities decoded)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="erreur-{re.escape(field)}">([^<]*)</p>', html)
    assert match, f"no error shown next to {field}"
    return unescape(match.group(1))


def a_gap(db, demo, kind: str) -> dict:
    return next(gap for gap in full_analysis(db, workspace=demo)["gaps"] if gap["kind"] == kind)


def someone(db, demo, name_part: str = "") -> Person:
    return db.scalars(select(Person).where(Person.workspace_id == demo.id, Person.full_name.contains(name_part))
                      .order_by(Person.id)).first()


# --- every page, read by a viewer ---------------------------------------------------------------

def test_every_page_renders_for_a_viewer(as_role, db, demo):
    client = as_role("viewer")
    person = someone(db, demo)
    dormant = a_gap(db, demo, "dormant_liaison")
    pages = {
        "/tableau-de-bord": "Tableau de bord",
        "/carte": "Carte des liaisons",
        "/carte?niveau=person&echelon=1&type=epci&type=petr&taille=degree&isoles=1": "Vue par échelon",
        "/ecarts": "Liaison en sommeil",
        "/ecarts?gravite=high&tri=structures&sens=desc": "Liaison en sommeil",
        "/ecarts?type=formal_only": "Liaison uniquement formelle",
        "/acteurs": "Acteurs",
        f"/acteurs?q={person.full_name.split()[-1]}": person.full_name,
        f"/acteurs/{person.id}": "Fonctions et mandats",
        "/institutions": "PETR du Pays Lauragais",
        "/institutions?portee=france&q=castelnaudary&type=commune": "Castelnaudary",
        f"/institutions/{demo.body_id}": "Structures avec qui elle échange",
        f"/institutions/{dormant['institutions'][1]['id']}": "Liaison en sommeil",
        "/journal": "Échanges enregistrés",
        "/journal?type=informal&du=2020-01-01": "Moment informel",
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
        text = text_of(response.text)
        assert expected in text, (path, expected)
        assert '<html lang="fr">' in response.text
    # A viewer is not offered editor or admin actions.
    page = client.get("/acteurs").text
    assert "/acteurs/nouveau" not in page and 'href="/parametres"' not in page and 'href="/imports"' not in page
    assert "Consigner un échange" not in client.get("/journal").text


def test_dates_and_numbers_are_french(as_role):
    text = text_of(as_role("viewer").get("/ecarts").text)
    assert re.search(r"\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                     r"décembre) 20\d\d\b", text)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), "ISO dates left in the gap report"


def test_gap_report_sorts_filters_opens_and_exports(as_role, db, demo):
    client = as_role("viewer")
    report = client.get("/ecarts").text
    links = re.findall(r'href="(/ecarts/[^"?]+)', report)
    assert len(links) == 5  # the demo's planted problems
    first = client.get(links[0])
    assert first.status_code == 200 and "Action recommandée" in first.text and "Constat" in first.text
    # Most severe first by default; by structure name on demand.
    severities = re.findall(r'class="badge severity-(\w+)"', report)
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    only_high = client.get("/ecarts?gravite=high").text
    assert set(re.findall(r'class="badge severity-(\w+)"', only_high)) == {"high"}
    assert 'aria-sort="descending"' in client.get("/ecarts?tri=dernier_echange").text
    searched = text_of(client.get("/ecarts?q=piege").text)
    assert "CC Piège Lauragais Malepère" in searched and "Terres du Lauragais" not in searched
    # An unknown or resolved gap is a French 404.
    missing = client.get("/ecarts/dormant_liaison~1-2~0")
    assert missing.status_code == 404 and "Page introuvable" in missing.text

    export = client.get("/ecarts.csv?gravite=high")
    assert export.status_code == 200
    assert export.headers["content-disposition"].startswith('attachment; filename="ecarts-')
    assert export.content.startswith("\ufeff".encode())
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("kind;severity;institutions;")
    assert len(lines) == 3 and all(";high;" in line for line in lines[1:])


def test_map_page_frame_nodes_and_export(as_role, db, demo):
    client = as_role("viewer")
    page = client.get("/carte?niveau=institution&type=epci&type=petr&thematique=mobilité")
    assert page.status_code == 200
    frame = re.search(r'<iframe id="carte-document"[^>]* src="([^"]+)"', page.text)
    assert frame and 'title="Carte interactive' in page.text
    document = client.get(unescape(frame.group(1)))
    assert document.status_code == 200 and document.text.startswith("<!DOCTYPE html>")
    assert "frame-ancestors 'self'" in document.headers["content-security-policy"]
    assert document.headers["x-frame-options"] == "SAMEORIGIN"
    assert "content-disposition" not in document.headers
    assert "mobilité" in document.text
    nodes = client.get(unescape(re.search(r'data-noeuds="([^"]+)"', page.text).group(1))).json()
    assert {node["href"].split("/")[1] for node in nodes["nodes"]} == {"institutions"}
    assert [node["index"] for node in nodes["nodes"]] == list(range(len(nodes["nodes"])))
    assert demo.body_id in {node["id"] for node in nodes["nodes"]}

    export = client.get(unescape(re.search(r'id="exporter-carte" href="([^"]+)"', page.text).group(1)))
    assert export.status_code == 200
    assert re.fullmatch(r'attachment; filename="carte-demo-structures-\d{4}-\d\d-\d\d\.html"',
                        export.headers["content-disposition"])
    assert "<script src=" not in export.text  # everything inlined: it opens offline

    bad = client.get("/carte?du=31/02/2026")
    assert bad.status_code == 400 and "Date de début invalide" in error_of(bad.text, "du")
    assert 'value="31/02/2026"' in bad.text


def test_people_lookup_for_the_participant_field(as_role, db, demo):
    client = as_role("viewer")
    person = someone(db, demo, "Factice")
    items = client.get("/journal/personnes", params={"q": "factice"}).json()["items"]
    assert any(item.startswith(person.full_name) and item.endswith(f"(n° {person.id})") for item in items)


def test_a_missing_person_or_institution_is_a_french_404(as_role):
    client = as_role("viewer")
    for path in ("/acteurs/999999", "/institutions/999999999"):
        response = client.get(path)
        assert response.status_code == 404 and "Page introuvable" in response.text


def test_an_empty_workspace_renders_too(logged_in):
    client = logged_in("admin")  # tests.web.conftest: the "web" workspace, no body, no data
    for path in ("/tableau-de-bord", "/carte", "/carte/document", "/ecarts", "/acteurs", "/institutions", "/journal",
                 "/imports", "/parametres"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])


# --- roles and CSRF -------------------------------------------------------------------------------

def _posts(db, demo) -> list[tuple[str, str, dict]]:
    """(minimum role, path, form) of every state-changing form."""
    person = someone(db, demo)
    liaison = db.scalar(select(ExpectedLiaison.id).where(ExpectedLiaison.workspace_id == demo.id))
    return [
        ("editor", "/journal", {"titre": "Réunion", "date": "2026-01-05", "type": "meeting",
                                "participant": f"x (n° {person.id})"}),
        ("editor", "/acteurs/nouveau", {"full_name": "Nouvelle Personne"}),
        ("editor", f"/acteurs/{person.id}/modifier", {"full_name": "Nom changé"}),
        ("editor", f"/acteurs/{person.id}/fonctions", {"institution_id": str(demo.body_id), "title": "DGS",
                                                        "role_category": "executive"}),
        ("editor", "/imports/csv", {"type": "people"}),
        ("admin", "/parametres/seuils", {"window_days": "200", "dormancy_days": "60", "weakening_ratio": "0,5"}),
        ("admin", "/parametres/liaisons", {"institution_a": str(demo.body_id), "institution_b": "1"}),
        ("admin", f"/parametres/liaisons/{liaison}/retirer", {}),
        ("admin", "/parametres/utilisateurs", {"email": "nouveau@demo.example", "role": "admin"}),
        ("admin", "/parametres/jetons", {"name": "pirate", "scope": "admin"}),
        ("admin", "/parametres/jetons/1/revoquer", {}),
    ]


def test_viewers_and_editors_cannot_reach_what_their_role_does_not_allow(as_role, db, demo):
    person = someone(db, demo)
    for role, forbidden in (("viewer", ("editor", "admin")), ("editor", ("admin",))):
        client = as_role(role)
        token = csrf_of(client.get("/tableau-de-bord").text)
        pages = ["/parametres"] + (["/imports", "/acteurs/nouveau", f"/acteurs/{person.id}/modifier",
                                    "/imports/modeles/people.csv"] if role == "viewer" else [])
        for path in pages:
            response = client.get(path)
            assert response.status_code == 403 and "Accès refusé" in response.text, (role, path)
        for needed, path, form in _posts(db, demo):
            if needed in forbidden:
                response = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
                assert response.status_code == 403, (role, path, response.status_code)
    # Nothing was written by the refused posts.
    assert db.scalar(select(Person.id).where(Person.full_name == "Nouvelle Personne")) is None
    assert db.scalar(select(ApiToken.id).where(ApiToken.name == "pirate")) is None
    assert db.scalar(select(User.id).where(User.email == "nouveau@demo.example")) is None


def test_every_form_needs_its_csrf_token(as_role, db, demo):
    client = as_role("admin")
    for _role, path, form in _posts(db, demo):
        for token in (None, "forged"):
            data = form if token is None else {**form, "csrf_token": token}
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403 and "Formulaire refusé" in response.text, (path, token)
    assert db.scalar(select(Person.id).where(Person.full_name == "Nouvelle Personne")) is None
    assert db.scalar(select(ApiToken.id).where(ApiToken.name == "pirate")) is None


# --- the quick log form -----------------------------------------------------------------------

def test_a_bad_log_says_what_is_wrong_next_to_each_field_and_keeps_everything(as_role, db, demo):
    client = as_role("editor")
    token = csrf_of(client.get("/journal").text)
    known = someone(db, demo, "Factice")
    typed = {
        "csrf_token": token, "date": "31/02/2026", "heure": "25:00", "type": "informal", "caractere": "informel",
        "titre": "   ", "thematiques": ["mobilité", "habitat"], "autres_thematiques": "vélo, covoiturage",
        "participant": [f"{known.full_name} (n° {known.id})", "Personne Inconnue <b>"],
        "lieu": "Mairie de Castelnaudary", "resume": "Un café <script>alert(1)</script> sur les navettes",
    }
    before = db.scalar(select(Interaction.id).order_by(Interaction.id.desc()).limit(1))
    response = client.post("/journal", data=typed)
    assert response.status_code == 400
    page = response.text
    assert "corrigez les champs signalés" in page
    assert error_of(page, "date") == "Date invalide : utilisez le format jj/mm/aaaa."
    assert error_of(page, "heure") == "Heure invalide : par exemple 14:30."
    assert error_of(page, "titre").startswith("Donnez un titre")
    assert "Aucun acteur « Personne Inconnue <b> »" in error_of(page, "participant-2")
    assert 'id="titre" name="titre"' in page and 'aria-describedby="erreur-titre"' in page
    # Everything typed is still there (and escaped).
    assert 'value="31/02/2026"' in page and 'value="25:00"' in page
    assert f'value="{known.full_name} (n° {known.id})"' in page
    assert 'value="Personne Inconnue &lt;b&gt;"' in page
    assert 'value="Mairie de Castelnaudary"' in page and 'value="vélo, covoiturage"' in page
    assert "Un café &lt;script&gt;alert(1)&lt;/script&gt; sur les navettes</textarea>" in page
    assert re.search(r'value="mobilité" checked', page) and re.search(r'value="habitat" checked', page)
    assert re.search(r'value="informal" selected', page) and re.search(r'value="informel" checked', page)
    assert "<script>alert(1)" not in page
    assert db.scalar(select(Interaction.id).order_by(Interaction.id.desc()).limit(1)) == before

    nobody = client.post("/journal", data={"csrf_token": token, "date": "2026-01-05", "type": "meeting",
                                           "titre": "Réunion"})
    assert nobody.status_code == 400 and error_of(nobody.text, "participant-1") == "Indiquez au moins un participant."


def test_a_logged_exchange_shows_in_the_journal_and_changes_the_analysis(as_role, db, demo):
    client = as_role("editor")
    isolated = a_gap(db, demo, "isolated_actor")
    president = isolated["people"][0]
    assert f"/ecarts/{isolated['kind']}~" in client.get("/ecarts").text
    version = db.get(Workspace, demo.id).data_version
    colleague = create_person(db, workspace=demo, full_name="Zoé Homonyme-Sans-Pareil", actor="test")
    token = csrf_of(client.get("/journal").text)
    response = client.post("/journal", data={
        "csrf_token": token, "date": utcnow().date().isoformat(), "heure": "09:30", "type": "informal",
        "titre": "Café de rentrée avec la présidente", "thematiques": ["mobilité"], "autres_thematiques": "navettes",
        "participant": [f"{president['name']} (n° {president['id']})", "zoe homonyme sans-pareil", ""],
    }, follow_redirects=False)
    assert response.status_code == 303, text_of(response.text)[:500]
    assert response.headers["location"].startswith("/journal?enregistre=")
    journal = client.get(response.headers["location"])
    assert "Échange enregistré : « Café de rentrée avec la présidente »" in text_of(journal.text)
    assert "Café de rentrée avec la présidente" in text_of(client.get("/journal?thematique=navettes").text)

    saved = db.scalar(select(Interaction).where(Interaction.title == "Café de rentrée avec la présidente"))
    assert saved.source == "web" and saved.external_id.startswith("web-") and saved.formal is False
    assert {p.person_id for p in saved.participations} == {president["id"], colleague.id}
    assert saved.created_by == f"user:{db.scalar(select(User.id).where(User.email == 'editor@demo.example'))}"
    assert db.get(Workspace, demo.id).data_version > version
    # The analysis sees it: the président is no longer an isolated actor.
    report = client.get("/ecarts").text
    assert f"isolated_actor~{'-'.join(str(i['id']) for i in isolated['institutions'])}~{president['id']}" not in report
    assert "Café de rentrée avec la présidente" in client.get(f"/acteurs/{president['id']}").text


# --- actors -------------------------------------------------------------------------------------

def test_editors_create_and_edit_actors_with_french_messages(as_role, db, demo):
    client = as_role("editor")
    token = csrf_of(client.get("/acteurs/nouveau").text)
    typed = {"csrf_token": token, "full_name": "<img src=x onerror=alert(1)>", "email": "pas-une-adresse",
             "notes": "Rencontrée au salon", "institution_id": str(demo.body_id), "role_category": "technical",
             "title": "", "start": "2026-13-01"}
    refused = client.post("/acteurs/nouveau", data=typed)
    assert refused.status_code == 400
    assert error_of(refused.text, "email").startswith("Adresse électronique invalide")
    assert error_of(refused.text, "title").startswith("Indiquez la fonction")
    assert error_of(refused.text, "start").startswith("Date invalide")
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in refused.text and 'value="pas-une-adresse"' in refused.text
    assert ">Rencontrée au salon</textarea>" in refused.text

    created = client.post("/acteurs/nouveau", data={**typed, "email": "chargee@petr.example", "title": "Chargée LEADER",
                                                    "start": "2026-01-05"}, follow_redirects=False)
    assert created.status_code == 303
    page = client.get(created.headers["location"]).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    assert "Chargée LEADER" in page and "Modifications enregistrées." in page
    person_id = int(created.headers["location"].split("/")[2].split("?")[0])

    taken = client.post(f"/acteurs/{person_id}/modifier", data={
        "csrf_token": token, "full_name": "Claire Nouvelle",
        "email": db.scalar(select(Person.email).where(Person.workspace_id == demo.id, Person.email.isnot(None),
                                                      Person.id != person_id).limit(1))})
    assert taken.status_code == 400
    assert error_of(taken.text, "email") == "Cette adresse est déjà celle d'un autre acteur."
    assert 'value="Claire Nouvelle"' in taken.text
    edited = client.post(f"/acteurs/{person_id}/modifier", data={"csrf_token": token, "full_name": "Claire Nouvelle",
                                                                 "email": "", "is_public_figure": "1"},
                         follow_redirects=False)
    assert edited.status_code == 303
    assert db.get(Person, person_id).full_name == "Claire Nouvelle" and db.get(Person, person_id).email is None
    added = client.post(f"/acteurs/{person_id}/fonctions", data={
        "csrf_token": token, "institution_id": str(demo.body_id), "role_category": "elected", "title": "Déléguée"},
        follow_redirects=False)
    assert added.status_code == 303
    db.expire_all()  # the test's requests share one session; a real request starts with a fresh one
    assert "Déléguée" in client.get(f"/acteurs/{person_id}").text


# --- settings -----------------------------------------------------------------------------------

def test_admins_set_thresholds_liaisons_users_and_tokens(as_role, db, demo):
    client = as_role("admin")
    token = csrf_of(client.get("/parametres").text)
    version = db.get(Workspace, demo.id).data_version

    bad = client.post("/parametres/seuils", data={"csrf_token": token, "window_days": "deux cents",
                                                  "dormancy_days": "3", "half_life_days": "", "weakening_ratio": "0,5"})
    assert bad.status_code == 400 and error_of(bad.text, "window_days").startswith("Indiquez un nombre")
    assert error_of(bad.text, "dormancy_days") == "Indiquez un nombre entre 7 et 1825."
    assert 'value="deux cents"' in bad.text
    good = client.post("/parametres/seuils", data={"csrf_token": token, "window_days": "200", "dormancy_days": "60",
                                                   "half_life_days": "", "weakening_ratio": "0,4"},
                       follow_redirects=False)
    assert good.status_code == 303
    settings = db.get(Workspace, demo.id).settings
    assert (settings["window_days"], settings["dormancy_days"], settings["weakening_ratio"]) == (200, 60, 0.4)
    assert db.get(Workspace, demo.id).data_version > version
    assert "Seuils enregistrés" in client.get(good.headers["location"]).text

    same = client.post("/parametres/liaisons", data={"csrf_token": token, "institution_a": str(demo.body_id),
                                                     "institution_b": str(demo.body_id)})
    assert same.status_code == 400 and error_of(same.text, "institution_b") == "Choisissez deux structures différentes."
    dormant = a_gap(db, demo, "unidentified_key_role")["institutions"][0]["id"]
    added = client.post("/parametres/liaisons", data={"csrf_token": token, "institution_a": str(demo.body_id),
                                                      "institution_b": str(dormant), "note": "Test"},
                        follow_redirects=False)
    assert added.status_code == 303
    again = client.post("/parametres/liaisons", data={"csrf_token": token, "institution_a": str(dormant),
                                                      "institution_b": str(demo.body_id)})
    assert again.status_code == 400 and error_of(again.text, "institution_b") == "Cette liaison est déjà attendue."
    new_id = db.scalar(select(ExpectedLiaison.id).where(ExpectedLiaison.note == "Test"))
    removed = client.post(f"/parametres/liaisons/{new_id}/retirer", data={"csrf_token": token}, follow_redirects=False)
    assert removed.status_code == 303 and db.get(ExpectedLiaison, new_id) is None

    made = client.post("/parametres/utilisateurs", data={"csrf_token": token, "email": "Lecteur@Demo.Example",
                                                         "role": "viewer"})
    assert made.status_code == 200 and "Compte créé pour lecteur@demo.example" in made.text
    assert 'id="mdp-valeur"' in made.text and made.headers["cache-control"] == "no-store"
    duplicate = client.post("/parametres/utilisateurs", data={"csrf_token": token, "email": "lecteur@demo.example",
                                                              "role": "viewer"})
    assert error_of(duplicate.text, "user_email") == "Un compte existe déjà avec cette adresse."

    shown = client.post("/parametres/jetons", data={"csrf_token": token, "name": "Agenda partagé", "scope": "ingest"})
    secret = re.search(r'id="jeton-valeur" type="text" readonly value="([^"]+)"', shown.text).group(1)
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    assert secret not in client.get("/parametres").text  # shown once
    api = client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    token_id = db.scalar(select(ApiToken.id).where(ApiToken.name == "Agenda partagé"))
    revoked = client.post(f"/parametres/jetons/{token_id}/revoquer", data={"csrf_token": token}, follow_redirects=False)
    assert revoked.status_code == 303
    assert client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


# --- imports ------------------------------------------------------------------------------------

def test_editors_import_a_spreadsheet_from_the_page(as_role, db, demo):
    client = as_role("editor")
    page = client.get("/imports")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    template = client.get("/imports/modeles/people.csv")
    assert template.content.startswith("\ufeff".encode()) and b"full_name;email" in template.content
    token = csrf_of(page.text)
    content = template.content.decode("utf-8-sig").encode()
    dry = client.post("/imports/csv", data={"csrf_token": token, "type": "people", "simulation": "1"},
                      files={"fichier": ("acteurs.csv", content, "text/csv")})
    assert dry.status_code == 200 and "Simulation : rien n'a été enregistré." in dry.text
    assert db.scalar(select(Person.id).where(Person.full_name == "Sophie Directrice")) is None
    done = client.post("/imports/csv", data={"csrf_token": token, "type": "people"},
                       files={"fichier": ("acteurs.csv", content, "text/csv")})
    assert done.status_code == 200 and "Import terminé" in done.text
    assert db.scalar(select(Person.id).where(Person.full_name == "Sophie Directrice")) is not None
    missing = client.post("/imports/ics", data={"csrf_token": token})
    assert missing.status_code == 400 and error_of(missing.text, "fichier-ics") == "Choisissez un fichier."
    broken = client.post("/imports/csv", data={"csrf_token": token, "type": "people"},
                         files={"fichier": ("x.csv", b"nom;prenom\nA;B\n", "text/csv")})
    assert broken.status_code == 400 and "Rien n'a été enregistré." in broken.text


def test_a_calendar_import_shows_the_meetings_deleted_since(as_role, db, demo):
    client = as_role("editor")
    token = csrf_of(client.get("/imports").text)
    day = (utcnow() - timedelta(days=3)).strftime("%Y%m%d")
    calendar = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\nBEGIN:VEVENT\r\nUID:cafe@petr.example\r\n"
                f"DTSTART:{day}T080000Z\r\nSUMMARY:Café avec le maire\r\n"
                "ORGANIZER;CN=Camille Agenda:mailto:camille.agenda@petr.example\r\n"
                "ATTENDEE;CN=Maire Agenda:mailto:maire.agenda@commune.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    form = {"csrf_token": token, "creer_participants": "1"}
    first = client.post("/imports/ics", data=form, files={"fichier": ("agenda.ics", calendar.encode(), "text/calendar")})
    assert first.status_code == 200 and "Import terminé" in first.text and "Supprimés" not in first.text
    cancelled = calendar.replace("SUMMARY:", "STATUS:CANCELLED\r\nSUMMARY:")
    again = client.post("/imports/ics", data=form, files={"fichier": ("agenda.ics", cancelled.encode(), "text/calendar")})
    assert again.status_code == 200 and '<th scope="col" class="number">Supprimés</th>' in again.text
    row = re.search(r"<tr><td>Échanges</td>(.*?)</tr>", again.text).group(1)
    assert re.findall(r'<td class="number">([^<]*)</td>', row) == ["0", "0", "0", "1"]
    assert db.scalar(select(Interaction.id).where(Interaction.external_id == "cafe@petr.example")) is None
