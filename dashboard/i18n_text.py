"""UI text of the app shell, login, downloads, common controls and the eight pages of
docs/dashboard.md (Dutch first, English complete), merged into :data:`dashboard.i18n.TEXT` — the
table kept apart from i18n.py's lookup and formatting code, like :mod:`dashboard.i18n_beheer`."""

from __future__ import annotations

APP_TEXT: dict[str, dict[str, str]] = {
    # app shell
    "app.title": {"nl": "POH-Connect", "en": "POH-Connect"},
    "app.tagline": {
        "nl": "Stuurinformatie POH-GGZ",
        "en": "POH-GGZ management information",
    },
    "nav.region": {"nl": "Regio-overzicht", "en": "Region overview"},
    "nav.practice": {"nl": "Praktijk", "en": "Practice"},
    "nav.poh": {"nl": "POH", "en": "POH"},
    "nav.waiting": {"nl": "Wachttijden", "en": "Waiting times"},
    "nav.referrals": {"nl": "Verwijzingen", "en": "Referrals"},
    "nav.hours": {"nl": "Uren", "en": "Hours"},
    "nav.team": {"nl": "Team", "en": "Team"},
    "nav.api_docs": {"nl": "API-documentatie", "en": "API documentation"},
    "lang.label": {"nl": "Taal", "en": "Language"},
    # login, session, roles
    "login.title": {"nl": "Inloggen", "en": "Log in"},
    "login.lead": {
        "nl": "Log in met uw POH-Connect-account.",
        "en": "Log in with your POH-Connect account.",
    },
    "login.username": {"nl": "Gebruikersnaam", "en": "Username"},
    "login.password": {"nl": "Wachtwoord", "en": "Password"},
    "login.submit": {"nl": "Inloggen", "en": "Log in"},
    "login.other_lang": {"nl": "English", "en": "Nederlands"},
    "login.invalid": {
        "nl": "Onjuiste gebruikersnaam of wachtwoord, of het account is uitgeschakeld.",
        "en": "Wrong username or password, or the account is disabled.",
    },
    "login.locked": {
        "nl": "Te veel mislukte pogingen; probeer het over {minutes} minuten opnieuw.",
        "en": "Too many failed attempts; try again in {minutes} minutes.",
    },
    "login.csrf": {
        "nl": "Het formulier is verlopen; probeer het opnieuw.",
        "en": "The form has expired; please try again.",
    },
    "login.unavailable": {
        "nl": "De API is niet bereikbaar; probeer het over een moment opnieuw.",
        "en": "The API cannot be reached; please try again in a moment.",
    },
    "login.or": {"nl": "of", "en": "or"},
    "login.oidc": {
        "nl": "Inloggen met de organisatie-account",
        "en": "Log in with your organisation account",
    },
    "login.oidc_failed": {
        "nl": "Inloggen met de organisatie-account is mislukt of verlopen; probeer het opnieuw.",
        "en": "Logging in with your organisation account failed or expired; please try again.",
    },
    "login.oidc_cancelled": {
        "nl": "Inloggen bij uw organisatie is afgebroken of geweigerd.",
        "en": "Logging in at your organisation was cancelled or refused.",
    },
    "login.oidc_no_account": {
        "nl": "Uw organisatie-account hoort niet bij een actief POH-Connect-account. Vraag de "
        "beheerder van POH-Connect om een account (of om het weer aan te zetten).",
        "en": "Your organisation account does not belong to an active POH-Connect account. "
        "Ask the POH-Connect administrator for an account (or to enable it again).",
    },
    "login.oidc_unavailable": {
        "nl": "De identiteitsprovider van uw organisatie is niet bereikbaar; probeer het later "
        "opnieuw.",
        "en": "Your organisation's identity provider cannot be reached; please try again later.",
    },
    "login.continue": {"nl": "Doorgaan", "en": "Continue"},
    "login.logged_out": {"nl": "U bent uitgelogd.", "en": "You have been logged out."},
    "login.expired": {
        "nl": "Uw sessie is verlopen; log opnieuw in.",
        "en": "Your session has expired; please log in again.",
    },
    "session.logout": {"nl": "Uitloggen", "en": "Log out"},
    "session.no_pages": {
        "nl": "Uw rol ({role}) heeft geen dashboardpagina's: cijfers zijn alleen zichtbaar met "
        "een toegangsregel. Beheer gaat via de API (/docs) en de opdrachtregel.",
        "en": "Your role ({role}) has no dashboard pages: figures need an access rule. "
        "Administration is done through the API (/docs) and the command line.",
    },
    "session.page_denied": {
        "nl": "Deze pagina hoort niet bij uw rol ({role}).",
        "en": "This page is not available to your role ({role}).",
    },
    "session.expired": {
        "nl": "Uw sessie is verlopen of ingetrokken.",
        "en": "Your session has expired or was revoked.",
    },
    "session.login_again": {"nl": "Opnieuw inloggen", "en": "Log in again"},
    "role.poh": {"nl": "POH-GGZ", "en": "POH-GGZ"},
    "role.huisarts": {"nl": "huisarts", "en": "GP"},
    "role.teamleider": {"nl": "teamleider", "en": "team leader"},
    "role.regio": {"nl": "regio", "en": "region"},
    "role.beheerder": {"nl": "beheerder", "en": "administrator"},
    # quarterly report download
    "report.title": {"nl": "Download kwartaalrapportage", "en": "Download quarterly report"},
    "report.pdf": {"nl": "PDF", "en": "PDF"},
    "report.xlsx": {"nl": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "report.busy": {
        "nl": "De rapportage wordt gemaakt …",
        "en": "The report is being rendered …",
    },
    # downloads of every table (CSV/XLSX from the API) and chart (PNG/SVG, in the browser)
    "download.table": {"nl": "Download tabel", "en": "Download table"},
    "download.chart": {"nl": "Download grafiek", "en": "Download chart"},
    "download.csv": {"nl": "CSV", "en": "CSV"},
    "download.xlsx": {"nl": "Excel (XLSX)", "en": "Excel (XLSX)"},
    "download.png": {"nl": "PNG", "en": "PNG"},
    "download.svg": {"nl": "SVG", "en": "SVG"},
    "download.csv_title": {
        "nl": "Tabel downloaden als CSV (puntkomma, decimale komma)",
        "en": "Download the table as CSV (semicolon, decimal comma: Dutch Excel)",
    },
    "download.xlsx_title": {
        "nl": "Tabel downloaden als Excel-bestand",
        "en": "Download the table as an Excel file",
    },
    "download.png_title": {
        "nl": "Grafiek downloaden als PNG, met titel en bron",
        "en": "Download the chart as PNG, with title and source",
    },
    "download.svg_title": {
        "nl": "Grafiek downloaden als SVG, met titel en bron",
        "en": "Download the chart as SVG, with title and source",
    },
    "download.source": {"nl": "Bron", "en": "Source"},
    "download.downloaded": {"nl": "gedownload", "en": "downloaded"},
    "download.empty": {
        "nl": "Er is nog geen tabel om te downloaden: kies eerst wat u wilt zien.",
        "en": "There is no table to download yet: choose what to show first.",
    },
    "footer.source": {
        "nl": "Alle cijfers komen uit de POH-Connect API ({url}).",
        "en": "All figures come from the POH-Connect API ({url}).",
    },
    # common controls and states
    "ctl.region": {"nl": "Regio", "en": "Region"},
    "ctl.kpi": {"nl": "Indicator", "en": "Indicator"},
    "ctl.period": {"nl": "Periode", "en": "Period"},
    "ctl.practice": {"nl": "Praktijk", "en": "Practice"},
    "ctl.level": {"nl": "Niveau", "en": "Level"},
    "ctl.scope": {"nl": "Selectie", "en": "Selection"},
    "ctl.choose": {"nl": "Kies …", "en": "Choose …"},
    "level.provider": {"nl": "POH", "en": "POH"},
    "level.practice": {"nl": "Praktijk", "en": "Practice"},
    "level.team": {"nl": "Team", "en": "Team"},
    "level.region": {"nl": "Regio", "en": "Region"},
    "empty.period": {"nl": "Geen gegevens voor deze periode", "en": "No data for this period"},
    "empty.choose": {
        "nl": "Kies hierboven wat u wilt zien.",
        "en": "Choose above what you want to see.",
    },
    "empty.practices": {
        "nl": "Er zijn nog geen praktijken ingelezen. Importeer eerst een praktijkenbestand.",
        "en": "No practices have been imported yet. Import a practices file first.",
    },
    "error.title": {"nl": "Gegevens konden niet worden opgehaald", "en": "Could not load data"},
    "ref.label": {"nl": "Referentie / norm", "en": "Reference / norm"},
    "ref.source": {"nl": "Bron", "en": "Source"},
    "unit.label": {"nl": "Eenheid", "en": "Unit"},
    "value.withheld": {"nl": "afgeschermd", "en": "withheld"},
    "polarity.higher_better": {"nl": "hoger is beter", "en": "higher is better"},
    "polarity.lower_better": {"nl": "lager is beter", "en": "lower is better"},
    "polarity.neutral": {"nl": "geen voorkeursrichting", "en": "no preferred direction"},
    "stat.region_value": {"nl": "Regio (gepoold)", "en": "Region (pooled)"},
    "stat.median": {"nl": "Mediaan praktijken", "en": "Median of practices"},
    "stat.band": {"nl": "P25–P75", "en": "P25–P75"},
    "stat.n": {"nl": "Praktijken met waarde", "en": "Practices with a value"},
    "stat.not_ranked": {"nl": "niet gerangschikt", "en": "not ranked"},
    "col.practice": {"nl": "Praktijk", "en": "Practice"},
    "col.agb": {"nl": "AGB", "en": "AGB"},
    "col.value": {"nl": "Waarde", "en": "Value"},
    "col.numerator": {"nl": "Teller", "en": "Numerator"},
    "col.denominator": {"nl": "Noemer", "en": "Denominator"},
    "col.rank": {"nl": "Rang", "en": "Rank"},
    "col.percent_rank": {"nl": "Percentielrang", "en": "Percent rank"},
    "col.funnel": {"nl": "Trechter (99,8%)", "en": "Funnel (99.8%)"},
    "col.kpi": {"nl": "Indicator", "en": "Indicator"},
    "col.region_median": {"nl": "Regiomediaan", "en": "Region median"},
    "col.position": {"nl": "Positie in de regio", "en": "Position in region"},
    "col.reference": {"nl": "Referentie / norm", "en": "Reference / norm"},
    "funnel.within": {"nl": "binnen", "en": "within"},
    "funnel.above": {"nl": "boven", "en": "above"},
    "funnel.below": {"nl": "onder", "en": "below"},
    "chart.median": {"nl": "Mediaan", "en": "Median"},
    "chart.band": {"nl": "P25–P75 regio", "en": "P25–P75 region"},
    "chart.region_value": {"nl": "Regiowaarde", "en": "Regional value"},
    "chart.limit95": {"nl": "95%-grenzen", "en": "95% limits"},
    "chart.limit998": {"nl": "99,8%-grenzen", "en": "99.8% limits"},
    "chart.total": {"nl": "Totaal", "en": "Total"},
    "chart.contacts": {"nl": "Contacten", "en": "Contacts"},
    "chart.quarter": {"nl": "Kwartaal", "en": "Quarter"},
    "chart.norm": {"nl": "Norm", "en": "Norm"},
    # region page
    "region.title": {"nl": "Regio-overzicht", "en": "Region overview"},
    "region.lead": {
        "nl": "Elke praktijk van de regio vergeleken op één indicator.",
        "en": "Every practice of the region compared on one indicator.",
    },
    "region.bar_title": {
        "nl": "Praktijken gesorteerd, met regiomediaan en P25–P75",
        "en": "Practices sorted, with regional median and P25–P75",
    },
    "region.funnel_title": {
        "nl": "Trechterdiagram (controlegrenzen rond de regiowaarde)",
        "en": "Funnel plot (control limits around the regional value)",
    },
    "region.table_title": {"nl": "Alle praktijken", "en": "All practices"},
    "region.no_funnel": {
        "nl": "Voor deze indicator is geen trechterdiagram van toepassing.",
        "en": "A funnel plot does not apply to this indicator.",
    },
    # practice page
    "practice.title": {"nl": "Praktijk", "en": "Practice"},
    "practice.lead": {
        "nl": "Scorekaart van de praktijk tegen de regio.",
        "en": "Scorecard of the practice against the region.",
    },
    "practice.contacts_title": {
        "nl": "POH-GGZ-contacten per kwartaal",
        "en": "POH-GGZ contacts per quarter",
    },
    "practice.scorecard_title": {"nl": "Scorekaart", "en": "Scorecard"},
    "practice.listed": {"nl": "Ingeschreven patiënten", "en": "Listed patients"},
    "practice.peildatum": {"nl": "peildatum", "en": "as of"},
    "practice.hours_title": {
        "nl": "POH-GGZ-uren per week tegen de financieringsnorm",
        "en": "POH-GGZ hours per week against the funding norm",
    },
    "practice.hours_contract": {"nl": "Contract", "en": "Contracted"},
    "practice.hours_worked": {"nl": "Gewerkt", "en": "Worked"},
    "practice.hours_norm": {"nl": "Norm", "en": "Norm"},
    "practice.hours_vs_norm": {"nl": "Contract t.o.v. norm", "en": "Contract vs norm"},
    "practice.hours_direct": {"nl": "Direct / indirect", "en": "Direct / indirect"},
    "practice.hours_per_week": {"nl": "uur per week", "en": "hours per week"},
    "practice.hours_of_contract": {
        "nl": "{pct} van de contracturen",
        "en": "{pct} of contracted hours",
    },
    "practice.hours_norm_rule": {
        "nl": "{hours} uur per week per {normpraktijk} ingeschrevenen",
        "en": "{hours} hours per week per {normpraktijk} listed patients",
    },
    "practice.hours_direct_sub": {
        "nl": "direct {direct} · indirect {indirect}",
        "en": "direct {direct} · indirect {indirect}",
    },
    "practice.profile_title": {
        "nl": "Profiel: elke indicator tegen de verdeling in de regio",
        "en": "Profile: every indicator against the regional distribution",
    },
    "practice.profile_band_outer": {"nl": "Regio P10–P90", "en": "Region P10–P90"},
    "practice.profile_band_inner": {"nl": "Regio P25–P75", "en": "Region P25–P75"},
    "practice.profile_median": {"nl": "Regiomediaan", "en": "Regional median"},
    "practice.profile_practice": {"nl": "Deze praktijk", "en": "This practice"},
    "practice.profile_worse": {"nl": "← ongunstiger", "en": "← less favourable"},
    "practice.profile_better": {"nl": "gunstiger →", "en": "more favourable →"},
    "practice.profile_higher": {
        "nl": "geen richting, rechts = hoger",
        "en": "no direction, right = higher",
    },
    "practice.profile_note": {
        "nl": "Per indicator: de spreiding over de praktijken van de regio (P10–P90 licht, "
        "P25–P75 donker), de regiomediaan als streep en deze praktijk als stip, gekleurd naar "
        "het oordeel. Rechts is gunstiger; bij een indicator zonder richting (↔) is rechts hoger. "
        "Elke rij heeft een eigen schaal rond de mediaan. Alleen de verdeling, geen andere "
        "praktijken. Zonder verdeling (minder dan 5 praktijken met een waarde) geen rij: "
        "{missing}.",
        "en": "Per indicator: the spread over the region's practices (P10–P90 light, P25–P75 "
        "dark), the regional median as a bar and this practice as a dot coloured by its "
        "verdict. Right is more favourable; for an indicator without a direction (↔) right "
        "is higher. Each row has its own scale around the median. Only the distribution, no other "
        "practices. Without a distribution (fewer than 5 practices with a value) no row: "
        "{missing}.",
    },
    "practice.profile_note_all": {
        "nl": "Per indicator: de spreiding over de praktijken van de regio (P10–P90 licht, "
        "P25–P75 donker), de regiomediaan als streep en deze praktijk als stip, gekleurd naar "
        "het oordeel. Rechts is gunstiger; bij een indicator zonder richting (↔) is rechts hoger. "
        "Elke rij heeft een eigen schaal rond de mediaan. Alleen de verdeling, geen andere "
        "praktijken.",
        "en": "Per indicator: the spread over the region's practices (P10–P90 light, P25–P75 "
        "dark), the regional median as a bar and this practice as a dot coloured by its "
        "verdict. Right is more favourable; for an indicator without a direction (↔) right "
        "is higher. Each row has its own scale around the median. Only the distribution, no other "
        "practices.",
    },
    # POH page
    "poh.title": {"nl": "POH-GGZ", "en": "POH-GGZ"},
    "poh.lead": {
        "nl": "Caseload, productie tegen de norm, nieuwe trajecten en wachttijd.",
        "en": "Caseload, production against the norm, new episodes and waiting time.",
    },
    "poh.ftf_title": {
        "nl": "Face-to-face consulten per werkdag van 8 uur",
        "en": "Face-to-face consults per 8-hour day",
    },
    "poh.ftf_title_norm": {"nl": ", tegen de norm {norm}", "en": ", against the {norm} norm"},
    "poh.caseload_title": {
        "nl": "Caseload aan het eind van elk kwartaal",
        "en": "Caseload at the end of each quarter",
    },
    "poh.norm_band": {"nl": "Norm {norm} per dag", "en": "Norm {norm} per day"},
    "poh.no_providers": {
        "nl": (
            "Er zijn geen POH's die u mag bekijken (niet ingelezen, of cijfers per POH vallen "
            "buiten uw rol); kies een praktijk, team of de regio."
        ),
        "en": (
            "There are no POHs you may view (none imported, or figures per POH are outside "
            "your role); choose a practice, team or the region."
        ),
    },
    "poh.works_in": {"nl": "Werkt in", "en": "Works in"},
    "poh.no_practices": {
        "nl": "Geen praktijken bekend voor deze POH.",
        "en": "No practices known for this POH.",
    },
    # waiting page
    "wait.title": {"nl": "Wachttijden", "en": "Waiting times"},
    "wait.lead": {
        "nl": "Dagen van aanmelding tot intake bij de POH-GGZ, per praktijk.",
        "en": "Days from referral to intake with the POH-GGZ, per practice.",
    },
    "wait.median_title": {
        "nl": "Mediane wachttijd tot intake per praktijk (dagen)",
        "en": "Median wait to intake per practice (days)",
    },
    "wait.share_title": {
        "nl": "Aandeel intakes binnen 14 dagen per praktijk",
        "en": "Share of intakes within 14 days per practice",
    },
    "wait.norm": {"nl": "Trimbos-norm: {norm} dagen", "en": "Trimbos norm: {norm} days"},
    "wait.region_p90": {"nl": "P90 regio", "en": "P90 region"},
    "wait.region_median": {"nl": "Mediaan regio", "en": "Median region"},
    "col.wait_median": {"nl": "Mediaan (dagen)", "en": "Median (days)"},
    "col.wait_p90": {"nl": "P90 (dagen)", "en": "P90 (days)"},
    "col.intakes": {"nl": "Intakes met wachttijd", "en": "Intakes with a wait"},
    "col.within14": {"nl": "Binnen 14 dagen", "en": "Within 14 days"},
    "wait.region_share": {"nl": "Binnen 14 dagen (regio)", "en": "Within 14 days (region)"},
    # referrals page
    "ref.title": {"nl": "Verwijzingen", "en": "Referrals"},
    "ref.lead": {
        "nl": "Stromen van huisarts via POH-GGZ naar vervolgzorg.",
        "en": "Flows from GP via the POH-GGZ to follow-up care.",
    },
    "ref.sankey_title": {
        "nl": "Huisarts → POH-GGZ → bestemming",
        "en": "GP → POH-GGZ → destination",
    },
    "ref.table_title": {"nl": "Stromen", "en": "Flows"},
    "ref.from": {"nl": "Van", "en": "From"},
    "ref.to": {"nl": "Naar", "en": "To"},
    "ref.count": {"nl": "Aantal", "en": "Count"},
    "ref.share": {"nl": "Aandeel van de bron", "en": "Share of source"},
    "ref.hidden_note": {
        "nl": "Stromen kleiner dan 10 zijn niet getekend (kleine-aantallenregel); de tabel "
        "noemt ze als <10 of afgeschermd.",
        "en": "Flows smaller than 10 are not drawn (small-number rule); the table lists them as "
        "<10 or withheld.",
    },
    # hours page
    # --- Mijn caseload (POH) ---
    "nav.caseload": {"nl": "Mijn caseload", "en": "My caseload"},
    "caseload.title": {"nl": "Mijn caseload", "en": "My caseload"},
    "caseload.lead": {
        "nl": "Uw patiënten op pseudoniem (nooit naam of patiëntnummer): wie heeft 8 weken geen "
        "contact gehad, wiens traject loopt langer dan een jaar? Elke keer dat deze lijst wordt "
        "getoond, staat in het auditlog.",
        "en": "Your patients by pseudonym (never a name or patient number): who has had no "
        "contact for 8 weeks, whose episode has run for more than a year? Every time this list "
        "is shown is recorded in the audit log.",
    },
    "ctl.poh": {"nl": "POH", "en": "POH"},
    "caseload.none": {
        "nl": "Er is geen POH-caseload die u mag inzien.",
        "en": "There is no POH caseload you may view.",
    },
    "caseload.card.total": {"nl": "Patiënten in zorg", "en": "Patients in care"},
    "caseload.card.stale": {"nl": "8 weken geen contact", "en": "No contact for 8 weeks"},
    "caseload.card.long": {"nl": "Traject > 1 jaar", "en": "Episode > 1 year"},
    "caseload.card.bridging": {"nl": "Overbruggingszorg", "en": "Bridging care"},
    "caseload.stale_title": {
        "nl": "Geen contact in 8 weken — nabellen of afsluiten?",
        "en": "No contact for 8 weeks — call or close?",
    },
    "caseload.long_title": {
        "nl": "Traject langer dan een jaar — evalueren of verwijzen?",
        "en": "Episode longer than a year — review or refer?",
    },
    "caseload.all_title": {"nl": "Alle patiënten", "en": "All patients"},
    "caseload.reference": {"nl": "Peildatum", "en": "Reference date"},
    "caseload.empty_list": {"nl": "Niemand — niets te doen.", "en": "Nobody — nothing to do."},
    "caseload.col.pseudonym": {"nl": "Pseudoniem", "en": "Pseudonym"},
    "caseload.col.practice": {"nl": "Praktijk (AGB)", "en": "Practice (AGB)"},
    "caseload.col.last": {"nl": "Laatste contact", "en": "Last contact"},
    "caseload.col.start": {"nl": "Start traject", "en": "Episode start"},
    "caseload.col.contacts": {"nl": "Contacten traject", "en": "Episode contacts"},
    "caseload.col.wait": {"nl": "Wachttijd intake (dagen)", "en": "Wait to intake (days)"},
    "caseload.col.bridging": {"nl": "Overbrugging", "en": "Bridging"},
    "caseload.col.signals": {"nl": "Signalen", "en": "Signals"},
    "caseload.flag.stale": {"nl": "8 wk geen contact", "en": "8 wk no contact"},
    "caseload.flag.long": {"nl": "> 1 jaar", "en": "> 1 year"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
    # --- Team (teamleider) ---
    "team.title": {"nl": "Team", "en": "Team"},
    "team.lead": {
        "nl": "De POH's en praktijken van het team naast elkaar: wie is overbelast (meer dan 9 "
        "face-to-face consulten per werkdag van 8 uur), waar wachten patiënten lang (mediaan "
        "meer dan 14 dagen tot intake)? Klik op een naam voor de POH- of praktijkpagina.",
        "en": "The team's POHs and practices side by side: who is overloaded (more than 9 "
        "face-to-face consultations per 8-hour workday), where do patients wait long (median "
        "over 14 days to intake)? Click a name for the POH or practice page.",
    },
    "ctl.team": {"nl": "Team", "en": "Team"},
    "team.none": {
        "nl": "Er zijn nog geen teams die u mag zien. Een beheerder legt teams aan "
        "(pohconnect teams create of de API).",
        "en": "There are no teams you may see yet. An administrator creates teams "
        "(pohconnect teams create or the API).",
    },
    "team.kind.provider": {"nl": "POH", "en": "POH"},
    "team.kind.practice": {"nl": "Praktijk", "en": "Practice"},
    "team.col.name": {"nl": "Naam", "en": "Name"},
    "team.col.kind": {"nl": "Soort", "en": "Type"},
    "team.col.flags": {"nl": "Signalen", "en": "Signals"},
    "team.flag.overloaded": {"nl": "⚠ overbelast", "en": "⚠ overloaded"},
    "team.flag.long_wait": {"nl": "◷ lange wachttijd", "en": "◷ long wait"},
    "team.card.overloaded": {
        "nl": "POH's overbelast (> 9 per werkdag)",
        "en": "POHs overloaded (> 9 per workday)",
    },
    "team.card.long_wait": {
        "nl": "Lange wachttijd (mediaan > 14 dagen)",
        "en": "Long wait (median > 14 days)",
    },
    "team.card.members": {"nl": "POH's / praktijken", "en": "POHs / practices"},
    "hours.title": {"nl": "Uren", "en": "Hours"},
    "hours.lead": {
        "nl": "Gecontracteerde POH-GGZ-uren per week tegen de financieringsnorm.",
        "en": "Contracted POH-GGZ hours per week against the funding norm.",
    },
    "hours.chart_title": {
        "nl": "Uren per week: contract en norm per praktijk",
        "en": "Hours per week: contract and norm per practice",
    },
    "hours.pct_title": {
        "nl": "Contracturen als percentage van de norm",
        "en": "Contracted hours as a percentage of the norm",
    },
    "hours.contract": {"nl": "Contracturen per week", "en": "Contracted hours per week"},
    "hours.norm": {"nl": "Normuren per week", "en": "Norm hours per week"},
    "hours.norm_note": {
        "nl": "Norm: 12 uur per week per normpraktijk van 2.350 patiënten tot 2024, "
        "16 uur vanaf 1 januari 2024 (NZa / zorgverzekeraars).",
        "en": "Norm: 12 hours per week per standard practice of 2,350 patients until 2024, "
        "16 hours from 1 January 2024 (NZa / insurers).",
    },
}
