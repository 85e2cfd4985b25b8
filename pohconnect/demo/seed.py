"""The seed of the demo region that docs/demo.md describes.

A module of its own, importing nothing: ``pohconnect demo --help`` shows it without loading the
generator.
"""

DEFAULT_SEED = 2025
