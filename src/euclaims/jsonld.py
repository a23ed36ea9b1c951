"""Machine-readable verdicts: one schema.org ClaimReview per ledger claim (JSON-LD).

Rating scale (documented in the report): for assessments Supported = 3, Partly supported = 2,
Not supported = 1; for predictions Came true = 3, Too early to tell = 2, Did not come true = 1;
"Not testable with the data at hand" carries no rating value, only its name.
"""

from __future__ import annotations

import json
from typing import Any

RATING_VALUES = {
    "supported": 3,
    "partly_supported": 2,
    "not_supported": 1,
    "came_true": 3,
    "too_early": 2,
    "did_not_come_true": 1,
}


def claim_review(row: dict[str, Any], essay: dict[str, Any]) -> dict[str, Any]:
    """The ClaimReview of one report row (claim, verdict, summary, robustness)."""
    claim = row["claim"]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": row["label"]}
    if row["verdict"] in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[row["verdict"]], bestRating=3, worstRating=1)
    robustness = row.get("robustness") or {}
    if robustness:
        rating["ratingExplanation"] = robustness.get("sentence", "")
    review = {
        "@type": "ClaimReview",
        "@id": f"report.html#claim-{claim.id}",
        "url": f"report.html#claim-{claim.id}",
        "identifier": claim.id,
        "claimReviewed": claim.quote,
        "reviewBody": row["summary"],
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "text": claim.paraphrase,
            "appearance": {
                "@type": "CreativeWork",
                "name": essay.get("title", ""),
                "url": essay.get("url", ""),
                "datePublished": essay.get("published", ""),
                "publisher": {"@type": "Organization", "name": essay.get("publisher", "")},
                "position": claim.paragraph,
            },
        },
        "author": {"@type": "Organization", "name": "euclaims contributors"},
    }
    if robustness:
        review["keywords"] = [f"robustness: {robustness.get('label', '')}"]
    return review


def claims_document(rows: list[dict[str, Any]], essay: dict[str, Any]) -> dict[str, Any]:
    """A JSON-LD document: @context schema.org and one ClaimReview per claim in @graph."""
    return {
        "@context": "https://schema.org",
        "@graph": [claim_review(row, essay) for row in rows],
    }


def script_safe(document: dict[str, Any]) -> str:
    """JSON for an inline <script type="application/ld+json">: every '<' escaped, so no text
    can close the tag or look like markup."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
