"""The downloadable template of each kind: the header row (the Chinese headers the importer
reads) and one example row, as CSV (UTF-8 with the BOM Excel needs to show Chinese) or XLSX."""

import tablib

from projects.services.imports.readers import CSV, XLSX

CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_file(importer_class, file_format):
    """``(bytes, content type)`` of the template for ``importer_class`` in ``file_format``."""
    columns = importer_class.columns
    dataset = tablib.Dataset(headers=[column.header for column in columns])
    dataset.title = str(importer_class.kind)
    dataset.append([column.example for column in columns])
    if file_format == CSV:
        content = ("\ufeff" + dataset.export("csv")).encode("utf-8")
    elif file_format == XLSX:
        content = dataset.export("xlsx")
    else:
        raise ValueError(file_format)
    return content, CONTENT_TYPES[file_format]
