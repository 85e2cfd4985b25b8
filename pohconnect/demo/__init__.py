"""Synthetic demo region: a fictional huisartsenorganisatie as generic POH-Connect exports.

See :func:`generate_region` and docs/demo.md.

The generator (which reads the import contract, and so SQLAlchemy) is loaded when first used:
``pohconnect --help`` needs only :data:`DEFAULT_SEED` and must start at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pohconnect.demo.seed import DEFAULT_SEED

if TYPE_CHECKING:
    from pohconnect.demo.generator import REGION_NAME, DemoRegion, generate_region

__all__ = ["DEFAULT_SEED", "REGION_NAME", "DemoRegion", "generate_region"]


def __getattr__(name: str) -> Any:
    if name in {"REGION_NAME", "DemoRegion", "generate_region"}:
        from pohconnect.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
