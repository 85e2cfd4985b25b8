"""Ingest: export files and FHIR pulls → validated, pseudonymised rows in the database.

``adapters/`` read one source format each (pure, no database), ``registry`` picks one,
``contract`` declares each kind's columns, vocabularies and row identity (built by ``keys``),
``validate`` checks rows against it (domain.md §3), ``writers`` store each kind through
``bulk``, ``report`` keeps the import report, ``pull`` fetches FHIR, and ``loader`` holds the
entry points and the one commit per file. docs/architecture.md follows a row through them.
"""
