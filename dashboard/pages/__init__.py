"""The dashboard's pages; each module: PATH, NAV_KEY, layout(), register_callbacks()."""
