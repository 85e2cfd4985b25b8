"""UI text of the Import and Datakwaliteit pages (Dutch first, English complete), merged into
:data:`dashboard.i18n.TEXT` — a table kept apart from i18n.py's code (see i18n_text.py)."""

from __future__ import annotations

BEHEER_TEXT: dict[str, dict[str, str]] = {
    "nav.import": {"nl": "Import", "en": "Import"},
    "nav.quality": {"nl": "Datakwaliteit", "en": "Data quality"},
    "import.title": {"nl": "Import", "en": "Import"},
    "import.lead": {
        "nl": "Lees exportbestanden uit het HIS in, bekijk per bestand het verslag met de "
        "afgekeurde regels, en de eerdere imports.",
        "en": "Import export files from the GP information system, read each file's report "
        "with its rejected rows, and the earlier imports.",
    },
    "import.ctl.status": {"nl": "Eerdere imports tonen", "en": "Show earlier imports"},
    "import.status.all": {"nl": "Alle", "en": "All"},
    "import.status.committed": {"nl": "Geslaagd", "en": "Succeeded"},
    "import.status.failed": {"nl": "Mislukt", "en": "Failed"},
    "import.status.running": {"nl": "Bezig", "en": "Running"},
    "import.upload_title": {"nl": "Bestanden importeren", "en": "Import files"},
    "import.kind": {"nl": "Soort bestand", "en": "Kind of file"},
    "import.kind.auto": {"nl": "Automatisch herkennen", "en": "Recognise automatically"},
    "import.kind.praktijken": {"nl": "Praktijken", "en": "Practices"},
    "import.kind.contacten": {"nl": "Contacten", "en": "Contacts"},
    "import.kind.verwijzingen": {"nl": "Verwijzingen", "en": "Referrals"},
    "import.kind.uren": {"nl": "Uren", "en": "Hours"},
    "import.kind.onbekend": {"nl": "Onbekend", "en": "Unknown"},
    "import.drop": {
        "nl": "Sleep exportbestanden hierheen of klik om ze te kiezen",
        "en": "Drop export files here or click to choose them",
    },
    "import.formats": {
        "nl": "CSV, XLSX of FHIR-bundel (JSON); meerdere bestanden tegelijk mag.",
        "en": "CSV, XLSX or FHIR bundle (JSON); several files at once are fine.",
    },
    "import.running": {
        "nl": "Bezig met importeren van {n} bestanden…",
        "en": "Importing {n} files…",
    },
    "import.finished": {
        "nl": "Klaar: {n} bestand(en) verwerkt.",
        "en": "Done: {n} file(s) processed.",
    },
    "import.finished_failed": {
        "nl": "Klaar: {n} bestand(en) verwerkt, {failed} niet geïmporteerd.",
        "en": "Done: {n} file(s) processed, {failed} not imported.",
    },
    "import.file_running": {"nl": "wordt geïmporteerd…", "en": "importing…"},
    "import.file_waiting": {"nl": "wacht", "en": "waiting"},
    "import.file_done": {
        "nl": "{read} regels gelezen, {new} nieuw, {updated} bijgewerkt, {rejected} afgekeurd",
        "en": "{read} rows read, {new} new, {updated} updated, {rejected} rejected",
    },
    "import.report_title": {"nl": "{name} (import {id})", "en": "{name} (import {id})"},
    "import.period": {"nl": "{start} t/m {end}", "en": "{start} to {end}"},
    "import.practices": {"nl": "{n} praktijk(en)", "en": "{n} practice(s)"},
    "import.unknown_columns": {
        "nl": "Genegeerde kolommen: {columns}",
        "en": "Ignored columns: {columns}",
    },
    "import.stat.read": {"nl": "Gelezen", "en": "Read"},
    "import.stat.new": {"nl": "Nieuw", "en": "New"},
    "import.stat.updated": {"nl": "Bijgewerkt", "en": "Updated"},
    "import.stat.unchanged": {"nl": "Ongewijzigd", "en": "Unchanged"},
    "import.stat.rejected": {"nl": "Afgekeurd", "en": "Rejected"},
    "import.no_rejects": {"nl": "Geen afgekeurde regels.", "en": "No rejected rows."},
    "import.rejects_title": {
        "nl": "Afgekeurde regels ({n}); patiëntgegevens zijn gemaskeerd (•••)",
        "en": "Rejected rows ({n}); patient values are masked (•••)",
    },
    "import.rejects_more": {
        "nl": "De eerste {shown} van {total} worden getoond.",
        "en": "The first {shown} of {total} are shown.",
    },
    "import.col.line": {"nl": "Regel", "en": "Line"},
    "import.col.column": {"nl": "Kolom", "en": "Column"},
    "import.col.value": {"nl": "Waarde", "en": "Value"},
    "import.col.reason": {"nl": "Reden", "en": "Reason"},
    "import.col.started": {"nl": "Gestart", "en": "Started"},
    "import.col.file": {"nl": "Bestand", "en": "File"},
    "import.col.kind": {"nl": "Soort", "en": "Kind"},
    "import.col.status": {"nl": "Status", "en": "Status"},
    "import.history_title": {"nl": "Eerdere imports", "en": "Earlier imports"},
    "import.history_hint": {
        "nl": "Nieuwste eerst. Klik op een regel voor het verslag van die import.",
        "en": "Newest first. Click a row for that import's report.",
    },
    "quality.title": {"nl": "Datakwaliteit", "en": "Data quality"},
    "quality.lead": {
        "nl": "Zijn de gegevens van elke praktijk compleet? Per maand: contacten, uren en "
        "verwijzingen; maanden ver van de eigen geschiedenis; ICPC-codering en de laatste import.",
        "en": "Is every practice's data complete? Per month: contacts, hours and referrals; "
        "months far from the practice's own history; ICPC coding and the last import.",
    },
    "quality.ctl.window": {"nl": "Periode", "en": "Period"},
    "quality.window": {
        "nl": "Laatste {n} maanden",
        "en": "Last {n} months",
    },
    "quality.heatmap_title": {
        "nl": "Volledigheid per praktijk en maand (getal: aantal contacten)",
        "en": "Completeness per practice and month (number: contacts)",
    },
    "quality.icpc_title": {
        "nl": "Contacten met ICPC-code per praktijk",
        "en": "Contacts with an ICPC code per practice",
    },
    "quality.icpc_axis": {"nl": "% van de POH-contacten", "en": "% of POH contacts"},
    "quality.icpc_none": {
        "nl": "Geen ICPC-gegevens voor het laatste kwartaal",
        "en": "No ICPC data for the latest quarter",
    },
    "quality.table_title": {
        "nl": "Per praktijk: lege maanden, uitschieters, ICPC en laatste import",
        "en": "Per practice: empty months, outliers, ICPC and last import",
    },
    "quality.code.none": {"nl": "Geen contacten", "en": "No contacts"},
    "quality.code.contacts_only": {
        "nl": "Contacten, geen uren en geen verwijzingen",
        "en": "Contacts, no hours and no referrals",
    },
    "quality.code.no_hours": {"nl": "Contacten, geen uren", "en": "Contacts, no hours"},
    "quality.code.no_referrals": {
        "nl": "Contacten, geen verwijzingen",
        "en": "Contacts, no referrals",
    },
    "quality.code.complete": {
        "nl": "Contacten, uren en verwijzingen",
        "en": "Contacts, hours and referrals",
    },
    "quality.outlier.low": {"nl": "Uitschieter: laag", "en": "Outlier: low"},
    "quality.outlier.high": {"nl": "Uitschieter: hoog", "en": "Outlier: high"},
    "quality.outlier.legend": {
        "nl": "uitschieter omlaag / omhoog",
        "en": "outlier down / up",
    },
    "quality.rule": {
        "nl": "Uitschieter: een maand met minder dan {low}% of meer dan {high}% van het aantal "
        "contacten van de mediaan van de {months} voorgaande maanden van dezelfde praktijk "
        "(maanden zonder contacten tellen als 0, maanden vóór het eerste contact van de "
        "praktijk tellen niet mee; alleen beoordeeld als minstens {min} van die maanden "
        "contacten hadden). Aantallen zijn regels uit de export, geen patiënten.",
        "en": "Outlier: a month with fewer than {low}% or more than {high}% of the contacts of "
        "the median of the same practice's previous {months} months (months without contacts "
        "count as 0, months before the practice's first contact do not count; judged only "
        "when at least {min} of those months had contacts). Counts are rows of the export, "
        "not patients.",
    },
    "quality.contacts": {"nl": "Contacten", "en": "Contacts"},
    "quality.hours_weeks": {"nl": "Urenweken", "en": "Hour weeks"},
    "quality.referrals": {"nl": "Verwijzingen", "en": "Referrals"},
    "quality.baseline": {
        "nl": "Mediaan vorige 6 maanden",
        "en": "Median of the previous 6 months",
    },
    "quality.card.practices": {"nl": "Praktijken", "en": "Practices"},
    "quality.card.empty": {
        "nl": "Maanden zonder contacten",
        "en": "Months without contacts",
    },
    "quality.card.of": {"nl": "van {n} praktijkmaanden", "en": "of {n} practice-months"},
    "quality.card.outliers": {"nl": "Uitschieters", "en": "Outliers"},
    "quality.card.no_import": {
        "nl": "Praktijken zonder import",
        "en": "Practices without an import",
    },
    "quality.col.practice": {"nl": "Praktijk", "en": "Practice"},
    "quality.col.empty": {"nl": "Lege maanden", "en": "Empty months"},
    "quality.col.outliers": {"nl": "Uitschieters", "en": "Outliers"},
    "quality.col.icpc": {"nl": "ICPC-codering", "en": "ICPC coding"},
    "quality.col.last_import": {"nl": "Laatste import", "en": "Last import"},
    "quality.col.last_file": {"nl": "Bestand", "en": "File"},
    "quality.never": {"nl": "nooit geïmporteerd", "en": "never imported"},
    "quality.no_contacts": {
        "nl": "Nog geen contacten in deze regio",
        "en": "No contacts in this region yet",
    },
    "quality.no_practices": {"nl": "Geen praktijken", "en": "No practices"},
}
