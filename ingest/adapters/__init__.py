"""One module per source format: ``sniff(head) -> bool`` and ``parse(data, …) -> tables``.

Adapters are pure: bytes in, :class:`ParsedTable` out, no database. Every table they return
has string columns named after the import contract plus ``__line`` (the line, row or Bundle
entry number to cite in rejects).
"""

from ingest.adapters.base import LINE, ParsedTable, ParseOptions, RawFrame

__all__ = ["LINE", "ParseOptions", "ParsedTable", "RawFrame"]
