"""YAML loading for the project's own files: the fastest safe loader, aliases refused."""

from __future__ import annotations

from typing import Any

import yaml

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasRefused(yaml.YAMLError):
    """An alias (`*name`) in a project YAML file: refused, since aliases can expand without
    bound (a few KB of nested aliases take gigabytes) and nothing here needs them."""


def load_yaml(text: str) -> Any:
    """Parse YAML text with the safe loader; raise AliasRefused naming the line of an alias."""
    for event in yaml.parse(text, Loader=YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise AliasRefused(
                f"line {event.start_mark.line + 1}: YAML aliases (*{event.anchor}) are not "
                "allowed in this file; write the value out"
            )
    return yaml.load(text, Loader=YAML_LOADER)
