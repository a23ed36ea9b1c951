"""The pinned lock (requirements.lock) and the conda environment.yml generated from it."""

from __future__ import annotations

import re
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")


def read_pins(path: Path) -> dict[str, str]:
    """Exact pins `name==version` of a requirements file, names lower-cased."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def environment_yaml(pins: dict[str, str], python: str = "3.11") -> str:
    """environment.yml text: conda's Python plus the same exact pins through pip."""
    lines = [
        "# Generated from requirements.lock by `make environment.yml`; do not edit by hand.",
        "name: euclaims",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={python}",
        "  - pip",
        "  - pip:",
        *(f"      - {name}=={version}" for name, version in sorted(pins.items())),
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(environment_yaml(read_pins(Path(sys.argv[1]))))
