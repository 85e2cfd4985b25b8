"""The dashboard's pages; each module declares its PAGE (see dashboard/page.py)."""
