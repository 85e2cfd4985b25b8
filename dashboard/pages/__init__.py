"""The dashboard's pages; each page module declares its PAGE (see dashboard/page.py). A page too
large for one module keeps its panels beside it (``practice_*.py``: the Praktijk page's)."""
