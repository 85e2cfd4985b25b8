"""The organisation: practices, providers (POHs) and teams, with their schemas."""
