"""Ingest: export files and FHIR pulls → validated, pseudonymised rows in the database.

``adapters/`` read one source format each (pure, no database), ``registry`` picks one,
``validate`` checks rows against the import contract (domain.md §3) and ``loader`` is the only
code that writes imported rows, one transaction per file.
"""
