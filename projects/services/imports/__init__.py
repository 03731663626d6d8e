"""Bulk import of water samples and of sewer inspections with their defects, from CSV or XLSX.

- ``readers``: the file, within size and row limits, as header + rows (CSV or XLSX, read
  safely);
- ``base``: columns, value parsers, ``ImportResult`` (counts and every error), the importer's
  check-then-save protocol and the writer (records with their history rows);
- ``samples`` / ``inspections``: the two importers;
- ``copy_writer``: the PostgreSQL COPY write path;
- ``pending``: the uploaded file kept between the dry run and the confirmation;
- ``templates``: the downloadable template files.

Why our own importer rather than django-import-export: see README.md, "Bulk import".
"""

from projects.services.imports.base import ImportResult, RowError
from projects.services.imports.inspections import InspectionImporter
from projects.services.imports.readers import FileRefused
from projects.services.imports.samples import SampleImporter

IMPORTERS = {
    SampleImporter.kind: SampleImporter,
    InspectionImporter.kind: InspectionImporter,
}

# Importing creates records, so it needs the "add" permissions of everything a kind creates;
# "view" is never enough (unlike django-import-export's default).
PERMISSIONS = {
    SampleImporter.kind: (
        "projects.add_sample",
        "projects.add_samplingpoint",
        "projects.add_importbatch",
    ),
    InspectionImporter.kind: (
        "projects.add_inspection",
        "projects.add_defect",
        "projects.add_pipesegment",
        "projects.add_importbatch",
    ),
}


def may_import(user, kind):
    return user.is_authenticated and kind in PERMISSIONS and user.has_perms(PERMISSIONS[kind])


def importable_kinds(user):
    return [kind for kind in IMPORTERS if may_import(user, kind)]


__all__ = [
    "IMPORTERS",
    "PERMISSIONS",
    "FileRefused",
    "ImportResult",
    "InspectionImporter",
    "RowError",
    "SampleImporter",
    "importable_kinds",
    "may_import",
]
