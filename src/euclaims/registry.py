"""Verifiable pre-registration: each claim's decision rule, hashed and registered before results.

`ledger/registry.yaml` lists, per claim, every registered version of its rule:
`{rule_sha256, registered_on, commit?, note?}`. The first version is the rule as first committed;
each later version must be matched by an `amendments:` entry in claims.yaml (date, reason,
change). `make check` fails when a rule differs from its last registered version;
`python -m euclaims register` registers new claims and amended rules (and refuses a changed rule
that has no new amendment). Git history shows when each version was first committed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .claims import Claim
from .errors import LedgerError
from .fileio import atomic_write_text
from .paths import PROJECT_ROOT
from .yamlload import load_yaml

REGISTRY_FILE = PROJECT_ROOT / "ledger" / "registry.yaml"
ENTRY_FIELDS = {"rule_sha256", "registered_on", "commit", "note"}


def rule_sha256(rule: dict[str, Any]) -> str:
    """Hash of a rule's decision logic (its ordered verdicts/conditions and `otherwise`)."""
    logic = {"verdicts": rule.get("verdicts"), "otherwise": rule.get("otherwise")}
    return hashlib.sha256(json.dumps(logic, sort_keys=True).encode("utf-8")).hexdigest()


def load_registry(path: Path = REGISTRY_FILE) -> dict[str, list[dict[str, str]]]:
    """The registry (empty when the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LedgerError(f"{path}: not valid YAML ({exc}); restore it from git") from exc
    if not isinstance(raw, dict):
        raise LedgerError(f"{path}: expected a mapping of claim ids to lists of versions")
    for claim_id, versions in raw.items():
        if not isinstance(versions, list) or not versions:
            raise LedgerError(f"{path}: claim '{claim_id}': expected a non-empty list of versions")
        for version in versions:
            if (
                not isinstance(version, dict)
                or not {"rule_sha256", "registered_on"} <= set(version)
                or set(version) - ENTRY_FIELDS
            ):
                raise LedgerError(
                    f"{path}: claim '{claim_id}': each version needs rule_sha256 and "
                    f"registered_on (optional: commit, note)"
                )
    return {
        claim_id: [{k: str(v) for k, v in version.items()} for version in versions]
        for claim_id, versions in raw.items()
    }


def registry_problems(
    ledger: dict[str, Claim], registry: dict[str, list[dict[str, str]]]
) -> list[str]:
    """Every way the ledger's rules disagree with their registration (empty when none)."""
    problems = []
    for claim in ledger.values():
        if not claim.testable:
            continue
        versions = registry.get(claim.id)
        if not versions:
            problems.append(f"claim '{claim.id}' has no registered rule")
            continue
        if versions[-1]["rule_sha256"] != rule_sha256(claim.rule):
            problems.append(
                f"claim '{claim.id}': its rule differs from the version registered on "
                f"{versions[-1]['registered_on']}"
            )
        if len(versions) - 1 > len(claim.amendments):
            problems.append(
                f"claim '{claim.id}': {len(versions) - 1} re-registration(s) but only "
                f"{len(claim.amendments)} amendment(s) in claims.yaml"
            )
    unknown = sorted(set(registry) - set(ledger))
    problems += [
        f"registry names claim '{claim_id}', which is not in the ledger" for claim_id in unknown
    ]
    return problems


def check_registry(ledger: dict[str, Claim], path: Path = REGISTRY_FILE) -> None:
    """Raise, naming each claim, when a rule differs from its registered version."""
    problems = registry_problems(ledger, load_registry(path))
    if problems:
        raise LedgerError(
            f"{path}: rules and registry disagree:\n  "
            + "\n  ".join(problems)
            + "\n  A changed rule needs an `amendments:` entry (date, reason, change) in "
            "claims.yaml; then run `python -m euclaims register`."
        )


def register(
    ledger: dict[str, Claim], path: Path = REGISTRY_FILE, today: dt.date | None = None
) -> list[str]:
    """Register new claims and amended rules; returns the claim ids registered."""
    registry = load_registry(path)
    day = (today or dt.date.today()).isoformat()
    registered = []
    for claim in ledger.values():
        if not claim.testable:
            continue
        digest = rule_sha256(claim.rule)
        versions = registry.setdefault(claim.id, [])
        if versions and versions[-1]["rule_sha256"] == digest:
            continue
        if versions and len(claim.amendments) < len(versions):
            raise LedgerError(
                f"claims.yaml: claim '{claim.id}': its rule changed since it was registered on "
                f"{versions[-1]['registered_on']}; record the change in `amendments:` (date, "
                "reason, change) before registering it"
            )
        versions.append({"rule_sha256": digest, "registered_on": day})
        registered.append(claim.id)
    registry = {claim_id: registry[claim_id] for claim_id in ledger if claim_id in registry}
    write_registry(registry, path)
    return registered


def write_registry(registry: dict[str, list[dict[str, str]]], path: Path = REGISTRY_FILE) -> None:
    header = (
        "# Pre-registration of the decision rules (see src/euclaims/registry.py).\n"
        "# Written by `python -m euclaims register`; a changed rule needs an amendment first.\n"
    )
    body = yaml.safe_dump(registry, sort_keys=False, allow_unicode=True, width=100)
    atomic_write_text(Path(path), header + body)


# --- git history ----------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise LedgerError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def git_objects(root: Path, names: list[str]) -> dict[str, bytes | None]:
    """Contents of the named objects (`<oid>` or `<commit>:<path>`, as `git show` takes them)
    from one `git cat-file --batch`; None for a name git does not find."""
    names = list(dict.fromkeys(names))
    if not names:
        return {}
    result = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=root, capture_output=True,
        input="".join(f"{name}\n" for name in names).encode(),
    )  # fmt: skip
    if result.returncode != 0:
        raise LedgerError(f"git cat-file --batch failed: {result.stderr.decode().strip()}")
    out, position, found = result.stdout, 0, {}
    for name in names:
        end = out.index(b"\n", position)
        header, position = out[position:end].split(), end + 1
        if header[-1] in (b"missing", b"ambiguous"):
            found[name] = None
            continue
        size = int(header[2])
        found[name] = out[position : position + size]
        position += size + 1
    return found


def as_text(content: bytes) -> str:
    """Object content as `git(...)` returns it (text mode: UTF-8, universal newlines)."""
    return content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def rule_commits(root: Path = PROJECT_ROOT) -> dict[str, dict[str, str]]:
    """claim id -> {rule_sha256: first commit whose claims.yaml holds that rule}."""
    found: dict[str, dict[str, str]] = {}
    commits = git(root, "log", "--format=%H", "--reverse", "--", "claims.yaml").split()
    versions = git_objects(root, [f"{sha}:claims.yaml" for sha in commits])
    for sha in commits:
        content = versions[f"{sha}:claims.yaml"]
        if content is None:
            continue  # claims.yaml deleted in that commit
        try:
            ledger = load_yaml(as_text(content)) or {}
        except yaml.YAMLError:
            continue
        for entry in ledger.get("claims", []) if isinstance(ledger, dict) else []:
            if isinstance(entry, dict) and isinstance(entry.get("rule"), dict):
                found.setdefault(str(entry.get("id")), {}).setdefault(
                    rule_sha256(entry["rule"]), sha
                )
    return found


NULL_OID = "0" * 40


@dataclass(frozen=True)
class NotebookHistory:
    """The commits `git log --reverse -- notebooks` lists, each with the files under notebooks/
    it changed as (path, old blob, new blob) (NULL_OID for no blob), and the blobs' contents."""

    commits: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]
    blobs: dict[str, bytes]

    def changes_count_of(self, changes: tuple[tuple[str, str, str], ...], text: bytes) -> bool:
        """Whether a commit changes how often `text` occurs in a file (`git log -S text`: it
        counts non-overlapping occurrences and skips binary files, those with a NUL byte in
        their first 8000 bytes)."""
        for _, old, new in changes:
            one, two = self.blobs.get(old, b""), self.blobs.get(new, b"")
            if b"\0" in one[:8000] or b"\0" in two[:8000]:
                continue
            if one.count(text) != two.count(text):
                return True
        return False


@functools.lru_cache(maxsize=1)
def notebook_history(root: Path, head: str) -> NotebookHistory:
    """The history of notebooks/ reachable from commit `head`, read with two git processes."""
    log = git(root, "log", "--reverse", "--format=%x01%H", "--raw", "--no-abbrev", "-z", head,
              "--", "notebooks")  # fmt: skip
    commits = []
    for chunk in log.split("\x01")[1:]:
        sha, *tokens = [token.strip("\n") for token in chunk.split("\x00")]
        tokens = [token for token in tokens if token]
        changes, index = [], 0
        while index < len(tokens):
            _, _, old, new, status = tokens[index].removeprefix(":").split()
            paths = 2 if status[0] in "RC" else 1  # a rename or copy names source and target
            changes.append((tokens[index + paths], old, new))
            index += 1 + paths
        commits.append((sha, tuple(changes)))
    oids = sorted({oid for _, changes in commits for _, *pair in changes for oid in pair})
    blobs = git_objects(root, [oid for oid in oids if oid != NULL_OID])
    return NotebookHistory(tuple(commits), {oid: blob for oid, blob in blobs.items() if blob})


def first_output_commit(claim_id: str, root: Path = PROJECT_ROOT) -> str | None:
    """First commit whose committed notebook outputs (not their sources) name the claim.

    The candidates are the commits `git log -S <claim id> -- notebooks` lists, in order; the
    history is read once per process (and HEAD) and searched for every claim."""
    history = notebook_history(Path(root).resolve(), git(root, "rev-parse", "HEAD").strip())
    for sha, changes in history.commits:
        if not history.changes_count_of(changes, claim_id.encode("utf-8")):
            continue
        for name, _, new in changes:
            if not name.endswith(".ipynb") or new == NULL_OID:
                continue  # a deleted notebook has no outputs at that commit
            try:
                notebook = json.loads(as_text(history.blobs.get(new, b"")))
            except json.JSONDecodeError:
                continue
            outputs = json.dumps([cell.get("outputs", []) for cell in notebook.get("cells", [])])
            if claim_id in outputs:
                return sha
    return None


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    """True when `older` is a strict ancestor of `newer`."""
    if older == newer:
        return False
    result = subprocess.run(
        ["git", "merge-base", "--is-ancestor", older, newer], cwd=root, capture_output=True
    )
    return result.returncode == 0
