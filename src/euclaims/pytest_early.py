"""A pytest plugin loaded before pytest's own (`-p euclaims.pytest_early` in pyproject.toml's
addopts; a module of the installed package, so it imports from any directory).

nbval imports nbformat, which imports jsonschema, which compiles the RFC 3987 grammar of
`rfc3987-syntax` at import where it is installed (the lock leaves it out; pip adds it back on
Binder): ~2.6 s of CPU in pytest's main process and in each xdist worker, before the first
test. The build skips it the same way (`__main__.skip_iri_grammar`); no schema validated here
uses the `iri` formats.
"""

from .__main__ import skip_iri_grammar

skip_iri_grammar()
