"""Loaded before pytest's own plugins (`-p tests.early_imports` in pyproject.toml's addopts).

nbval imports nbformat, which imports jsonschema, which compiles the RFC 3987 grammar of
`rfc3987-syntax` at import: ~2.3 s of CPU in pytest's main process and in each xdist worker,
before the first test. The build skips it the same way (euclaims.__main__.skip_iri_grammar);
no schema validated here uses the `iri` formats.
"""

from euclaims.__main__ import skip_iri_grammar

skip_iri_grammar()
