"""Synthetic demo region: a fictional huisartsenorganisatie as generic POH-Connect exports.

See :func:`generate_region` and docs/demo.md.
"""

from pohconnect.demo.generator import DEFAULT_SEED, REGION_NAME, DemoRegion, generate_region

__all__ = ["DEFAULT_SEED", "REGION_NAME", "DemoRegion", "generate_region"]
