"""Pre-registration: rules hashed and registered, amendments required, order shown by git."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import replace

import pytest

from euclaims import registry
from euclaims.claims import load_ledger
from euclaims.errors import LedgerError
from euclaims.paths import PROJECT_ROOT

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def ledger():
    return load_ledger()


def amended(claim, rule):
    note = {"date": "2026-12-01", "reason": "referee", "change": "threshold"}
    return replace(claim, rule=rule, amendments=(*claim.amendments, note))


def test_hash_covers_the_logic_not_the_prose(ledger):
    claim = next(c for c in ledger.values() if c.testable)
    reworded = {**claim.rule, "plain": "other words"}
    assert registry.rule_sha256(reworded) == registry.rule_sha256(claim.rule)
    changed = {**claim.rule, "otherwise": "supported"}
    assert registry.rule_sha256(changed) != registry.rule_sha256(claim.rule)


def test_register_then_check_passes_and_a_changed_rule_fails(ledger, tmp_path):
    path = tmp_path / "registry.yaml"
    assert set(registry.register(ledger, path, DAY)) == {
        c.id for c in ledger.values() if c.testable
    }
    registry.check_registry(ledger, path)
    claim_id = next(c.id for c in ledger.values() if c.testable and not c.amendments)
    claim = ledger[claim_id]
    edited = {**ledger, claim_id: replace(claim, rule={**claim.rule, "otherwise": "supported"})}
    with pytest.raises(LedgerError, match=f"claim '{claim_id}': its rule differs"):
        registry.check_registry(edited, path)
    with pytest.raises(LedgerError, match="record the change in `amendments:`"):
        registry.register(edited, path, DAY)


def test_an_amended_rule_is_registered_as_a_new_version(ledger, tmp_path):
    path = tmp_path / "registry.yaml"
    registry.register(ledger, path, DAY)
    claim_id = next(c.id for c in ledger.values() if c.testable)
    claim = ledger[claim_id]
    edited = {**ledger, claim_id: amended(claim, {**claim.rule, "otherwise": "supported"})}
    assert registry.register(edited, path, DAY) == [claim_id]
    versions = registry.load_registry(path)[claim_id]
    assert len(versions) == 2 and versions[1]["registered_on"] == "2026-12-01"
    registry.check_registry(edited, path)


def test_malformed_registry_is_named(tmp_path):
    path = tmp_path / "registry.yaml"
    path.write_text("some-claim: [{rule_sha256: abc}]\n")
    with pytest.raises(LedgerError, match="registered_on"):
        registry.load_registry(path)


def test_project_rules_match_their_registration(ledger):
    registry.check_registry(ledger)


def _full_history() -> bool:
    result = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=PROJECT_ROOT, capture_output=True,
        text=True,
    )  # fmt: skip
    return result.returncode == 0 and result.stdout.strip() == "false"


@pytest.mark.skipif(not _full_history(), reason="needs the project's full git history")
def test_each_rule_was_committed_before_the_first_output_showing_its_verdict(ledger):
    """Git, not the registry, decides: the registered first version of each rule appears in
    claims.yaml in a commit that is a strict ancestor of the first commit whose notebook
    outputs name the claim. A claim whose rule and first result share a commit must say so."""
    commits = registry.rule_commits(PROJECT_ROOT)
    entries = registry.load_registry()
    for claim in ledger.values():
        if not claim.testable:
            continue
        first = entries[claim.id][0]
        rule_commit = commits.get(claim.id, {}).get(first["rule_sha256"])
        assert rule_commit, f"{claim.id}: its registered first rule is in no commit of claims.yaml"
        output_commit = registry.first_output_commit(claim.id, PROJECT_ROOT)
        if output_commit is None:
            continue  # no committed output shows the verdict yet
        if "note" in first:
            assert rule_commit[:7] in first["note"], claim.id
            continue
        assert registry.is_ancestor(PROJECT_ROOT, rule_commit, output_commit), (
            f"{claim.id}: rule first committed in {rule_commit[:7]}, not before the first "
            f"output showing its verdict ({output_commit[:7]})"
        )


@pytest.mark.skipif(not _full_history(), reason="needs the project's full git history")
def test_the_notebook_history_finds_the_commits_git_log_s_finds(ledger):
    """first_output_commit reads the history once and counts occurrences itself; for two
    claims and a string in no notebook, the candidate commits are those of `git log -S`."""
    head = registry.git(PROJECT_ROOT, "rev-parse", "HEAD").strip()
    history = registry.notebook_history(PROJECT_ROOT.resolve(), head)
    testable = [claim.id for claim in ledger.values() if claim.testable]
    for text in (testable[0], testable[-1], "no-claim-has-this-id"):
        listed = registry.git(
            PROJECT_ROOT, "log", "--format=%H", "--reverse", "-S", text, "--", "notebooks"
        ).split()
        found = [
            sha
            for sha, changes in history.commits
            if history.changes_count_of(changes, text.encode())
        ]
        assert found == listed, text
