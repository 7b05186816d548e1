"""The ``cyber-mapping`` command: validate, build, report, template, sample.

Heavy libraries are imported inside each command, so that ``report`` can say "up to date"
in a fraction of a second. Bad input never produces a traceback: a message and exit code 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from cyber_mapping.exceptions import CyberMappingError
from cyber_mapping.paths import PROCESSED_DIR, RAW_DIR, REPORTS_DIR


def _period(text: str) -> tuple[int, int]:
    try:
        first, last = (int(x) for x in text.replace("–", "-").split("-"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a period such as 2017-2025") from exc
    if last < first:
        raise argparse.ArgumentTypeError(f"'{text}' ends before it starts")
    return first, last


def _cmd_validate(args: argparse.Namespace) -> int:
    from cyber_mapping import feedback, product, validation

    result = validation.validate_folder(args.raw, period=args.period)
    product.write_validation(result, args.out)
    print(product.summary_text(result))
    if args.feedback:
        written = feedback.write_feedback(result, args.raw, args.feedback)
        print(f"\nFeedback workbooks written to {args.feedback}: {len(written)} file(s).")
    print(f"\nissues.csv and quarantine.csv written to {args.out}")
    return 1 if result.n_errors else 0


def _cmd_build(args: argparse.Namespace) -> int:
    from cyber_mapping import product

    manifest = product.build(args.raw, args.out, period=args.period, strict=args.strict)
    print(product.reconciliation_text(manifest))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from cyber_mapping import rendering

    formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
    regions = None if args.all or not args.region else [args.region]
    outcome = rendering.render_reports(
        processed_dir=args.processed,
        out_dir=args.out,
        regions=regions,
        formats=formats,
        overall=args.all or not args.region,
        force=args.force,
        meeting=args.meeting,
        document=args.document,
    )
    print(outcome.summary())
    return 0 if outcome.ok else 1


def _cmd_template(args: argparse.Namespace) -> int:
    from cyber_mapping import templating

    path = templating.write_template(args.out, implementor=args.implementor)
    print(f"Template written to {path}")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from cyber_mapping import sample

    for path in sample.generate_sample(args.out, seed=args.seed):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="cyber-mapping",
        description="Map BDT cybersecurity capacity-building activities to ITU Resolutions.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="read and validate the submission workbooks")
    p.add_argument("--raw", type=Path, default=RAW_DIR, help="folder of workbooks")
    p.add_argument("--out", type=Path, default=PROCESSED_DIR, help="where issues.csv goes")
    p.add_argument("--period", type=_period, default=(2017, 2025), help="mapping period")
    p.add_argument(
        "--feedback",
        type=Path,
        default=None,
        help="write an annotated copy of each workbook into this folder",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("build", help="validate, allocate and write the data product")
    p.add_argument("--raw", type=Path, default=RAW_DIR)
    p.add_argument("--out", type=Path, default=PROCESSED_DIR)
    p.add_argument("--period", type=_period, default=(2017, 2025))
    p.add_argument("--strict", action="store_true", help="any error: exit 1, write nothing")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("report", help="render the reports (HTML, PDF, Excel annex)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--region", help="one ITU-D region, e.g. 'Africa'")
    group.add_argument("--all", action="store_true", help="overall and every region")
    p.add_argument("--format", default="html,pdf", help="comma-separated: html,pdf")
    p.add_argument("--processed", type=Path, default=PROCESSED_DIR)
    p.add_argument("--out", type=Path, default=REPORTS_DIR)
    p.add_argument("--force", action="store_true", help="re-render even if up to date")
    p.add_argument("--meeting", default=None, help="meeting line of the cover block")
    p.add_argument("--document", default=None, help="document number, e.g. TDAG-26/12-E")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("template", help="write a submission workbook template")
    p.add_argument("--out", type=Path, default=Path("cyber_mapping_submission.xlsx"))
    p.add_argument("--implementor", default=None, help="pre-fill this implementor")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("sample", help="regenerate the illustrative sample workbooks")
    p.add_argument("--out", type=Path, default=RAW_DIR)
    p.add_argument("--seed", type=int, default=2017)
    p.set_defaults(func=_cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``cyber-mapping``; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except CyberMappingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
