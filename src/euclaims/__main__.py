"""Command line: `python -m euclaims {build,run,extract,report,notebooks}`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import EuclaimsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m euclaims", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser(
        "build", help="run stale notebooks and the multiverse, then the report"
    )
    build.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 2,
        help="parallel notebooks and multiverse workers (default: one per core)",
    )  # fmt: skip
    build.add_argument("--no-pdf", action="store_true", help="skip the PDF")

    run = commands.add_parser("run", help="run one notebook with parameter overrides")
    run.add_argument("notebook", help="notebook stem, e.g. small_states_institutions")
    run.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="override a parameter (repeatable)",
    )  # fmt: skip
    run.add_argument("--output", type=Path, help="output directory (default data/processed/STEM)")
    run.add_argument(
        "--force", action="store_true",
        help="replace --output even if it is a non-empty directory that is not an earlier output",
    )  # fmt: skip

    extract = commands.add_parser("extract", help="rebuild data/raw from the upstream snapshots")
    extract.add_argument(
        "--accept-upstream-change", action="store_true",
        help="accept upstream files whose sha256 differs from the manifest",
    )  # fmt: skip

    report = commands.add_parser("report", help="rebuild reports/report.html from existing results")
    report.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    notebooks = commands.add_parser(
        "notebooks", help="refresh notebooks/*.ipynb with the outputs of their default run"
    )
    notebooks.add_argument("stems", nargs="*", help="only these notebooks (default: all)")
    multiverse = commands.add_parser(
        "multiverse", help="evaluate the multiverse of the notebooks (after their default runs)"
    )
    multiverse.add_argument("stems", nargs="*", help="only these notebooks (default: all)")
    multiverse.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    commands.add_parser(
        "check", help="validate params.yaml, claims.yaml, the registry and data/raw"
    )
    commands.add_parser(
        "register", help="register new claims' rules and amended rules in ledger/registry.yaml"
    )
    commands.add_parser("checksums", help="print sha256 of outputs that must be reproducible")
    return parser


def skip_iri_grammar() -> None:
    """Keep jsonschema from compiling the RFC 3987 (IRI) grammar of `rfc3987-syntax` at import:
    ~2.6 s of CPU in every process that imports papermill or nbformat. The lock leaves the
    package out (pyproject.toml, [tool.uv]); this covers environments where pip adds it back
    (Binder). No schema this project validates (notebooks, Vega-Lite) uses the `iri` formats,
    so nothing is checked less."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    skip_iri_grammar()
    try:
        if args.command == "build":
            from .stamp import nothing_stale

            if nothing_stale(pdf=not args.no_pdf):
                print("[up to date] every notebook, the multiverse and the report (build stamp)",
                      file=sys.stderr)  # fmt: skip
                return 0
            from .pipeline import build

            build(jobs=args.jobs, pdf=not args.no_pdf)
        elif args.command == "run":
            from .params import parse_cli_value
            from .pipeline import run_one

            overrides = {name: parse_cli_value(value) for name, value in args.parameter}
            run = run_one(args.notebook, overrides, args.output, force=args.force)
            print(f"wrote {run.relative_output}/results.json", file=sys.stderr)
        elif args.command == "multiverse":
            from .pipeline import multiverse_command

            for stem in multiverse_command(args.stems, jobs=args.jobs):
                print(f"evaluated the multiverse of {stem}", file=sys.stderr)
        elif args.command == "extract":
            from .data import extract_all

            for name in extract_all(accept_upstream_change=args.accept_upstream_change):
                print(f"wrote data/raw/{name}", file=sys.stderr)
        elif args.command == "report":
            from .params import load_params_file
            from .pipeline import write_claim_source_shares
            from .report import write_report

            specs = load_params_file()
            write_claim_source_shares(specs)
            write_report(specs, pdf=not args.no_pdf)
        elif args.command == "notebooks":
            from .notebooks import refresh_all

            refresh_all(args.stems)
        elif args.command == "checksums":
            from .reproducible import output_checksums

            for path, digest in output_checksums().items():
                print(f"{digest}  {path}")
        elif args.command == "register":
            from .claims import load_ledger
            from .registry import register

            for claim_id in register(load_ledger()):
                print(f"registered the rule of {claim_id}", file=sys.stderr)
        elif args.command == "check":
            from .checks import check_all

            check_all()
    except EuclaimsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = exc.filename or "a file"
        print(f"error: cannot write or read {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "interrupted: outputs already in place are complete; rerun to finish", file=sys.stderr
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
