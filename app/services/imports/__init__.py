"""Imports from the files people already have: the official list of élus (RNE), calendars
(iCalendar) and spreadsheets (CSV).

Each importer takes a Session and the file's bytes, never commits, writes in bulk, is
idempotent (the same file twice changes nothing the second time) and returns an
:class:`ImportReport`. ``dry_run`` runs the whole import in a savepoint rolled back at the end.
"""

from app.services.imports.csv_import import TYPES as CSV_TYPES
from app.services.imports.csv_import import export_csv, import_csv, template_text
from app.services.imports.ics import import_ics
from app.services.imports.report import Counts, ImportReport
from app.services.imports.rne import import_rne

__all__ = ["CSV_TYPES", "Counts", "ImportReport", "export_csv", "import_csv", "import_ics", "import_rne",
           "template_text"]
