"""The ``cyber-mapping`` command: validate, template, build, report, sample.

Heavy libraries are imported inside each command, so that ``--help`` answers at once.
Bad input never produces a traceback: a one-line message and exit code 1 for data errors,
2 for usage errors (an output folder that must not or cannot be written, a file where a
folder is expected, no permission).
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from pathlib import Path

from cyber_mapping.console import shown
from cyber_mapping.contract import DEFAULT_PERIOD
from cyber_mapping.exceptions import CyberMappingError, UsageError
from cyber_mapping.paths import (
    PROCESSED_DIR,
    RAW_DIR,
    REPORTS_DIR,
    check_writable_folder,
    refuse_raw_output,
)


def _period(text: str) -> tuple[int, int]:
    try:
        first, last = (int(x) for x in text.replace("–", "-").split("-"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a period such as 2017-2025") from exc
    if last < first:
        raise argparse.ArgumentTypeError(f"'{text}' ends before it starts")
    return first, last


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of seconds") from exc
    if value <= 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be a number of seconds above 0")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be 0 or more")
    return value


class _Parser(argparse.ArgumentParser):
    """An argument parser whose refusals are one line (``error: ...``, exit 2), as ours are."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse's interface
        self.exit(2, f"error: {shown(self.prog)}: {shown(message)} (see '{self.prog} -h').\n")


def _cmd_validate(args: argparse.Namespace) -> int:
    from cyber_mapping.intake import validation
    from cyber_mapping.product import build

    refuse_raw_output(args.out, args.raw, "issues.csv and quarantine.csv")
    check_writable_folder(args.out, "issues.csv and quarantine.csv")
    if args.feedback is not None:
        refuse_raw_output(args.feedback, args.raw, "the feedback workbooks")
        check_writable_folder(args.feedback, "the feedback workbooks")
    from cyber_mapping.intake.checksums import integrity_problems

    result = validation.validate_folder(args.raw, period=args.period)
    build.write_validation(result, args.out)
    print(build.summary_text(result))
    # For BDT, not the offices: a warning that never changes the exit code.
    problems = integrity_problems(args.raw)
    if problems:
        print(f"\nWARNING: {len(problems)} file(s) disagree with the raw folder's README.md:")
        for line in problems:
            print(f"  {shown(line)}")
    print(f"\nissues.csv, quarantine.csv and for_bdt.csv written to {args.out}")
    if args.feedback is not None:
        from cyber_mapping.excel import feedback

        written = feedback.write_feedback(result, args.feedback, raw_dir=args.raw)
        print(f"{len(written)} feedback workbook(s) written to {args.feedback}:")
        for path in written:
            print(f"  {shown(path.name)}")
    return 1 if result.n_errors else 0


def _cmd_template(args: argparse.Namespace) -> int:
    from cyber_mapping.excel import template
    from cyber_mapping.reference import load_reference

    if args.all:
        folder = args.out or Path.cwd()
        refuse_raw_output(folder, RAW_DIR, "the templates")
        check_writable_folder(folder, "the templates")
    elif args.out is not None:
        refuse_raw_output(args.out, RAW_DIR, "the template")
        if args.out.is_dir():
            raise UsageError(
                f"{args.out} is a folder; --out takes the .xlsx file to write (or use --all)."
            )
        check_writable_folder(args.out.parent, "the template")
    ref = load_reference()
    if args.all:
        paths = template.write_all_templates(folder, ref, period=args.period)
        print(f"{len(paths)} templates written to {folder}")
        return 0
    out = args.out
    if out is None:
        name = "submission_template.xlsx"
        if args.implementor:
            slug = "_".join(args.implementor.replace("(", " ").replace(")", " ").split())
            name = f"submission_template_{slug}.xlsx"
        out = Path.cwd() / name
    path = template.write_template(out, ref, implementor=args.implementor, period=args.period)
    print(f"wrote {shown(path)}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from cyber_mapping.product import build

    manifest = build.build(
        args.raw, args.out, period=args.period, strict=args.strict, force=args.force
    )
    print(build.reconciliation_text(manifest))
    # The product is written either way; exit 1 tells a scheduled run that rows were
    # quarantined for errors (see issues.csv), as `validate` does.
    return 1 if manifest["issues"]["errors"] else 0


def _cmd_report(args: argparse.Namespace) -> int:
    from cyber_mapping.report import rendering

    refuse_raw_output(args.out, RAW_DIR, "the reports and the Excel annex")
    check_writable_folder(args.out, "the reports")
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    extra = {k: v for k, v in (("meeting", args.meeting), ("document", args.document)) if v}
    if args.period is not None:
        extra["period"] = f"{args.period[0]}-{args.period[1]}"
    if args.compare:
        # Absolute: the kernel runs in the notebooks folder, not the caller's.
        extra["compare_dir"] = str(Path(args.compare).resolve())
    summary = rendering.render(
        args.region,
        all_reports=args.all,
        formats=formats,
        processed_dir=args.processed,
        out_dir=args.out,
        parameters=extra,
        force=args.force,
        progress=not args.quiet,
        cell_timeout=args.cell_timeout,
    )
    print(summary.text())
    return 1 if summary.failed else 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from cyber_mapping.sample.generate import generate_sample

    for path in generate_sample(args.out, seed=args.seed, force=args.force):
        print(f"wrote {shown(path)}")
    return 0


def os_error_message(exc: OSError) -> str:
    """One line for a filesystem error: the path, what went wrong, what to do."""
    path = exc.filename or "a file"
    if exc.filename2:
        path = f"{path} -> {exc.filename2}"
    reason = exc.strerror or str(exc)
    advice = {
        errno.EACCES: "give the account that runs cyber_mapping access to it, or choose "
        "another folder (--out)",
        errno.EPERM: "give the account that runs cyber_mapping access to it, or choose "
        "another folder (--out)",
        errno.EROFS: "the disk is read-only: choose a folder on a writable disk (--out)",
        errno.EEXIST: "a file is in the way of a folder: move it away or choose another "
        "folder (--out)",
        errno.ENOTDIR: "a file is in the way of a folder: move it away or choose another "
        "folder (--out)",
        errno.EISDIR: "a folder is where a file is expected: choose another file name",
        errno.ENOSPC: "the disk is full: free some space and run again",
    }.get(exc.errno or 0, "check the path and run again")
    return f"{path}: {reason} ({advice})."


def _add_report(sub: argparse._SubParsersAction) -> None:
    """The ``report`` command's options (the longest list: its own function)."""
    p = sub.add_parser("report", help="render the reports (HTML, PDF), the Excel annex, index")
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--region",
        action="append",
        metavar="NAME",
        help="an ITU region (repeatable); default: the overall report",
    )
    which.add_argument("--all", action="store_true", help="the overall report and every region")
    p.add_argument("--format", default="html,pdf", help="html, pdf or both (default html,pdf)")
    p.add_argument("--processed", type=Path, default=PROCESSED_DIR, help="the data product")
    p.add_argument("--out", type=Path, default=REPORTS_DIR, help="where the reports go")
    p.add_argument("--meeting", default="", help="cover: e.g. '33rd Meeting, Geneva, ...'")
    p.add_argument("--document", default="", help="cover: e.g. 'Document TDAG-26/12-E'")
    p.add_argument(
        "--period",
        type=_period,
        default=None,
        help="the mapping period (default: the data product's); must be the product's",
    )
    p.add_argument(
        "--compare",
        type=Path,
        default=None,
        metavar="DIR",
        help="a previous data product: add 'What changed since the previous edition'",
    )
    p.add_argument("--force", action="store_true", help="render even if nothing changed")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--cell-timeout",
        type=_positive,
        default=600,
        metavar="SECONDS",
        help="fail a report whose notebook cell runs longer than this (default 600)",
    )
    p.set_defaults(func=_cmd_report)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = _Parser(
        prog="cyber-mapping",
        description="Map BDT cybersecurity capacity-building activities to ITU Resolutions.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="read and validate the submission workbooks")
    p.add_argument("--raw", type=Path, default=RAW_DIR, help="folder of workbooks")
    p.add_argument("--out", type=Path, default=PROCESSED_DIR, help="where issues.csv goes")
    p.add_argument("--period", type=_period, default=DEFAULT_PERIOD, help="mapping period")
    p.add_argument(
        "--feedback",
        type=Path,
        default=None,
        help="write an annotated copy of each workbook into this folder",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("template", help="write an Excel submission template for an office")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the .xlsx to write (default: submission_template[_<implementor>].xlsx here); "
        "with --all, a folder",
    )
    p.add_argument(
        "--implementor",
        default=None,
        help="pre-fill this office (name, city or alias) and suggest its Activity IDs",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="a blank template and one per office, into the folder --out (default: here)",
    )
    p.add_argument("--period", type=_period, default=DEFAULT_PERIOD, help="mapping period")
    p.set_defaults(func=_cmd_template)

    p = sub.add_parser("build", help="validate, allocate and write the data product")
    p.add_argument("--raw", type=Path, default=RAW_DIR)
    p.add_argument("--out", type=Path, default=PROCESSED_DIR)
    p.add_argument("--period", type=_period, default=DEFAULT_PERIOD, help="mapping period")
    p.add_argument("--strict", action="store_true", help="any error: exit 1, write nothing")
    p.add_argument(
        "--force",
        action="store_true",
        help="write the product into a non-empty folder that holds no previous product "
        "(its other files are kept)",
    )
    p.set_defaults(func=_cmd_build)

    _add_report(sub)

    p = sub.add_parser("sample", help="regenerate the illustrative sample workbooks")
    p.add_argument("--out", type=Path, default=RAW_DIR)
    p.add_argument("--seed", type=_seed, default=2017, help="any whole number from 0")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace files of the sample's names that the generator did not write",
    )
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
    except UsageError as exc:
        print(f"error: {shown(exc)}", file=sys.stderr)
        return 2
    except CyberMappingError as exc:
        print(f"error: {shown(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A folder or file the operator pointed at that cannot be used: say which and why.
        print(f"error: {shown(os_error_message(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
