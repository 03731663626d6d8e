"""Table data read a page at a time: a sequence with a length and slices (the needs-attention
items, the assessment grid's stations) given to django-tables2 as it is, which would otherwise
make a list of it, reading every row to show one page."""

from django_tables2.data import TableListData


class SequenceData(TableListData):
    """``rows`` (``len``, slices, and ``sort(key, reverse)`` for an orderable table) as they
    are: a page is read when the table asks for it, never the whole."""

    def __init__(self, rows):
        self.data = rows
