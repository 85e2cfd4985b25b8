"""Quarterly reports (kwartaalrapportage) per practice and per region, as PDF and XLSX."""
