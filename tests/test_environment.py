"""The lock, environment.yml and the Makefile agree."""

from __future__ import annotations

import re

import yaml

from euclaims.lockfile import environment_yaml, read_pins
from euclaims.paths import PROJECT_ROOT


def test_environment_yml_installs_exactly_the_lock_pins():
    pins = read_pins(PROJECT_ROOT / "requirements.lock")
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    conda_pins = dict(line.split("==") for line in pip_section if "==" in line)
    assert conda_pins == pins
    assert "python=3.11" in environment["dependencies"]


def test_environment_yml_is_generated_from_the_lock():
    pins = read_pins(PROJECT_ROOT / "requirements.lock")
    assert (PROJECT_ROOT / "environment.yml").read_text() == environment_yaml(pins)


def test_lock_pins_every_declared_dependency():
    pins = read_pins(PROJECT_ROOT / "requirements.lock")
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text()
    declared = re.findall(r'^\s+"([A-Za-z0-9_.-]+)[><=]', pyproject, flags=re.M)
    assert declared, "no dependencies found in pyproject.toml"
    assert [name for name in declared if name.lower() not in pins] == []


def test_read_pins_ignores_comments_and_options(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "# header\npandas==2.2.3\n    # via x\n--index-url x\nNumPy==2.0.1 ; python_version>'3'\n"
    )
    assert read_pins(lock) == {"pandas": "2.2.3", "numpy": "2.0.1"}
