"""The catalogue tables of docs/kpis.md, generated from the registry and the measure table.

python -m api.kpi.docs           # rewrite the blocks between the markers in docs/kpis.md
python -m api.kpi.docs --check   # exit 1 when the doc is stale (tests/kpi/test_docs.py)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.kpi.declaration import ALL_LEVELS, KpiDefinition
from api.kpi.definitions import REGISTRY
from api.kpi.measures import MEASURES, SAMPLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
NONE = "–"


def _number(x: float | None) -> str:
    return NONE if x is None else f"{x:g}"


def formula(definition: KpiDefinition) -> str:
    """How the value is formed, in words."""
    if definition.is_median:
        text = f"median of `{definition.sample}`"
    elif definition.is_distribution:
        shares = ", ".join(definition.breakdowns)
        text = f"`{definition.numerator}`; shares by {shares} in the breakdown"
    elif definition.denominator is not None:
        scale = "" if definition.scale == 1 else f"{definition.scale:g} × "
        text = f"{scale}`{definition.numerator}` ÷ `{definition.denominator}`"
    else:
        text = f"`{definition.numerator}`"
    if definition.extras:
        text += f" (extra: {', '.join(extra.key for extra in definition.extras)})"
    return text


def _norm(definition: KpiDefinition) -> str:
    low, high = definition.norm_low, definition.norm_high
    if low is None or high is None:
        return NONE
    return _number(low) if low == high else f"{_number(low)}–{_number(high)}"


def catalogue_table() -> str:
    lines = [
        "| slug | title | unit | value | polarity | levels | min. denominator | funnel | norm "
        "| reference |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for definition in REGISTRY.values():
        levels = "all" if definition.levels == ALL_LEVELS else ", ".join(definition.levels)
        reference = (
            f"{definition.reference} ({definition.reference_source})"
            if definition.reference
            else ""
        )
        cells = [
            f"`{definition.slug}`",
            definition.title_nl,
            definition.unit,
            formula(definition),
            definition.polarity,
            levels,
            _number(definition.min_denominator),
            definition.funnel or NONE,
            _norm(definition),
            reference,
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def measures_table() -> str:
    lines = ["| measure | kind | what it is | input columns |", "| --- | --- | --- | --- |"]
    for kind, table in (("measure", MEASURES), ("sample", SAMPLES)):
        for name, entry in table.items():
            columns = ", ".join(f"`{column}`" for column in sorted(set(entry.columns))) or NONE
            lines.append(f"| `{name}` | {kind} | {entry.description} | {columns} |")
    return "\n".join(lines)


BLOCKS = {"kpi-catalogue": catalogue_table, "kpi-measures": measures_table}


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, build in BLOCKS.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        head, found, rest = text.partition(start)
        _old, found_end, tail = rest.partition(end)
        if not (found and found_end):
            raise ValueError(f"{DOC.name}: markers {start} … {end} missing")
        text = f"{head}{start}\n{build()}\n{end}{tail}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the doc is stale")
    parser.add_argument("--path", type=Path, default=DOC)
    args = parser.parse_args(argv)
    current = args.path.read_text(encoding="utf-8")
    wanted = render(current)
    if wanted == current:
        return 0
    if args.check:
        print(f"{args.path} is stale: run python -m api.kpi.docs", file=sys.stderr)
        return 1
    args.path.write_text(wanted, encoding="utf-8")
    print(f"{args.path} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
