"""Every component id of the dashboard, in one place (a test checks they are unique).

Page ids carry the page's prefix so that no two pages share an id.
"""

from __future__ import annotations

# -- app shell -------------------------------------------------------------------------------
LANG_SWITCH = "lang-switch"
SELECTION_STORE = "selection-store"
LIVE_URL = "live-url"  # the page's URL as the pickers last wrote it (page._WRITE_URL)
NAVBAR = "navbar"
NAV_BRAND = "nav-brand"
NAV_TAGLINE = "nav-tagline"
NAV_LINKS = "nav-links"
NAV_API_DOCS = "nav-api-docs"
NAV_TOGGLER = "nav-toggler"
NAV_COLLAPSE = "nav-collapse"
NAV_LANG_LABEL = "nav-lang-label"
FOOTER = "footer"
GLOBAL_ERROR = "global-error"
NAV_USER = "nav-user"
NAV_LOGOUT = "nav-logout"
NAV_LOGOUT_CSRF = "nav-logout-csrf"

# -- Regio-overzicht --------------------------------------------------------------------------
REGION_REPORT_PDF = "region-report-pdf"
REGION_REPORT_XLSX = "region-report-xlsx"
REGION_REPORT_DOWNLOAD = "region-report-download"
REGION_REPORT_MESSAGE = "region-report-message"
PRACTICE_REPORT_PDF = "practice-report-pdf"
PRACTICE_REPORT_XLSX = "practice-report-xlsx"
PRACTICE_REPORT_DOWNLOAD = "practice-report-download"
PRACTICE_REPORT_MESSAGE = "practice-report-message"
REGION_REGION = "region-region"
REGION_KPI = "region-kpi"
REGION_PERIOD = "region-period"
REGION_INFO = "region-info"
REGION_BAR = "region-bar"
REGION_FUNNEL = "region-funnel"
REGION_FUNNEL_CARD = "region-funnel-card"
REGION_GRID = "region-grid"
REGION_MESSAGE = "region-message"
REGION_INIT = "region-init"

# -- Praktijk ---------------------------------------------------------------------------------
PRACTICE_AGB = "practice-agb"
PRACTICE_PERIOD = "practice-period"
PRACTICE_HEADER = "practice-header"
PRACTICE_CONTACTS = "practice-contacts"
PRACTICE_CONTACTS_NOTE = "practice-contacts-note"
PRACTICE_SCORECARD = "practice-scorecard"
PRACTICE_HOURS = "practice-hours"
PRACTICE_HOURS_CHART = "practice-hours-chart"
PRACTICE_PROFILE = "practice-profile"
PRACTICE_PROFILE_NOTE = "practice-profile-note"
PRACTICE_MESSAGE = "practice-message"
PRACTICE_INIT = "practice-init"

# -- POH --------------------------------------------------------------------------------------
POH_LEVEL = "poh-level"
POH_SCOPE = "poh-scope"
POH_PERIOD = "poh-period"
POH_CARDS = "poh-cards"
POH_FTF = "poh-ftf"
POH_FTF_NORM = "poh-ftf-norm"
POH_CASELOAD = "poh-caseload"
POH_MESSAGE = "poh-message"
POH_PRACTICES = "poh-practices"
POH_INIT = "poh-init"

# -- Wachttijden -----------------------------------------------------------------------------
WAIT_REGION = "wait-region"
WAIT_PERIOD = "wait-period"
WAIT_CARDS = "wait-cards"
WAIT_MEDIAN = "wait-median"
WAIT_SHARE = "wait-share"
WAIT_GRID = "wait-grid"
WAIT_MESSAGE = "wait-message"
WAIT_INIT = "wait-init"

# -- Verwijzingen ----------------------------------------------------------------------------
REF_LEVEL = "ref-level"
REF_SCOPE = "ref-scope"
REF_PERIOD = "ref-period"
REF_SANKEY = "ref-sankey"
REF_TABLE = "ref-table"
REF_MESSAGE = "ref-message"
REF_INIT = "ref-init"

# -- Uren ------------------------------------------------------------------------------------
HOURS_REGION = "hours-region"
HOURS_PERIOD = "hours-period"
HOURS_CHART = "hours-chart"
HOURS_PCT = "hours-pct"
HOURS_GRID = "hours-grid"
HOURS_MESSAGE = "hours-message"
HOURS_INIT = "hours-init"


def all_ids() -> list[str]:
    """Every id defined above (for the uniqueness test)."""
    return [v for k, v in globals().items() if k.isupper() and isinstance(v, str)]


# Team (teamleider)
TEAM_TEAM = "team-team"
TEAM_PERIOD = "team-period"
TEAM_CARDS = "team-cards"
TEAM_GRID = "team-grid"
TEAM_MESSAGE = "team-message"
TEAM_INIT = "team-init"

# Mijn caseload (POH)
CASELOAD_POH = "caseload-poh"
CASELOAD_PERIOD = "caseload-period"
CASELOAD_CARDS = "caseload-cards"
CASELOAD_STALE = "caseload-stale"
CASELOAD_LONG = "caseload-long"
CASELOAD_GRID = "caseload-grid"
CASELOAD_MESSAGE = "caseload-message"
CASELOAD_INIT = "caseload-init"

# Import (beheerder)
IMPORT_STATUS_FILTER = "import-status-filter"
IMPORT_KIND = "import-kind"
IMPORT_UPLOAD = "import-upload"
IMPORT_FILES = "import-files"  # store: the files of the running upload
IMPORT_RESULTS = "import-results"  # store: one result per finished file
IMPORT_PROGRESS = "import-progress"
IMPORT_REPORTS = "import-reports"
IMPORT_HISTORY = "import-history"
IMPORT_HISTORY_ERROR = "import-history-error"
IMPORT_DETAIL = "import-detail"
IMPORT_MESSAGE = "import-message"
IMPORT_INIT = "import-init"

# Datakwaliteit
QUALITY_REGION = "quality-region"
QUALITY_MONTHS = "quality-months"
QUALITY_CARDS = "quality-cards"
QUALITY_HEATMAP = "quality-heatmap"
QUALITY_ICPC = "quality-icpc"
QUALITY_GRID = "quality-grid"
QUALITY_RULE = "quality-rule"
QUALITY_MESSAGE = "quality-message"
QUALITY_INIT = "quality-init"

# Downloads (dashboard/downloads.py): the ``type`` of pattern-matching ids, one component per
# chart ({"type": CHART_DOWNLOAD, "graph": <graph id>, "format": "png"}) or table
CHART_DOWNLOAD = "chart-download"
CHART_DOWNLOAD_META = "chart-download-meta"
CHART_DOWNLOAD_DONE = "chart-download-done"
TABLE_DOWNLOAD = "table-download"
TABLE_DOWNLOAD_REQUEST = "table-download-request"
TABLE_DOWNLOAD_FILE = "table-download-file"
TABLE_DOWNLOAD_MESSAGE = "table-download-message"
