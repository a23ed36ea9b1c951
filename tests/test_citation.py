"""Cite, reuse, launch: licence, citation metadata, Binder files, machine-readable verdicts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from euclaims.claims import load_ledger
from euclaims.jsonld import RATING_VALUES, claims_document, script_safe
from euclaims.paths import PROJECT_ROOT


def test_licence_and_binder_files_exist():
    assert "MIT License" in (PROJECT_ROOT / "LICENSE").read_text()
    post_build = PROJECT_ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111
    text = post_build.read_text()
    assert "pip install --no-deps -e ." in text and "ipykernel install" in text
    assert "--name euclaims" in text
    assert (PROJECT_ROOT / "environment.yml").exists()


@pytest.mark.skipif(shutil.which("uv", path=str(Path(sys.executable).parent)) is None,
                    reason="uv is not in the environment")  # fmt: skip
def test_citation_cff_validates_with_cffconvert():
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [uv, "tool", "run", "--from", "cffconvert==2.0.0", "cffconvert", "--validate", "-i",
         str(PROJECT_ROOT / "CITATION.cff")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout + result.stderr


def test_claim_reviews_one_per_claim_on_the_documented_scale():
    ledger = load_ledger()
    rows = [
        {
            "claim": claim,
            "verdict": "partly_supported" if claim.testable else "not_testable",
            "label": "Partly supported" if claim.testable else "Not testable with the data at hand",
            "summary": "s",
            "robustness": {"label": "robust", "sentence": "x"} if claim.testable else None,
        }
        for claim in ledger.values()
    ]
    document = claims_document(rows, {"title": "Essay", "url": "https://example.org/essay"})
    assert document["@context"] == "https://schema.org"
    reviews = document["@graph"]
    assert [review["identifier"] for review in reviews] == list(ledger)
    assert all(review["@type"] == "ClaimReview" for review in reviews)
    for review, claim in zip(reviews, ledger.values(), strict=True):
        assert review["claimReviewed"] == claim.quote
        assert review["itemReviewed"]["appearance"]["position"] == claim.paragraph
        rating = review["reviewRating"]
        if claim.testable:
            assert rating["ratingValue"] == RATING_VALUES["partly_supported"] == 2
        else:
            assert "ratingValue" not in rating
    assert "<" not in script_safe({"x": "</script><script>"})
    assert json.loads(script_safe({"x": "</script>"})) == {"x": "</script>"}


@pytest.mark.slow
def test_report_writes_and_embeds_the_claim_reviews(built_full):
    document = json.loads((built_full / "reports/claims.jsonld").read_text())
    assert len(document["@graph"]) == len(load_ledger())
    html = (built_full / "reports/report.html").read_text()
    assert '<script type="application/ld+json">' in html
    embedded = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(embedded) == document
