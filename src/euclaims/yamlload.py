"""The fastest safe YAML loader available (libyaml's C loader when PyYAML was built with it)."""

import yaml

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
