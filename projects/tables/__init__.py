"""django-tables2 tables, one module per topic as in ``projects/models/`` (shared columns in
``columns``, figure cells in ``cells``)."""
