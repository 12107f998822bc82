"""The command line: with no verb it opens the window; the verbs do the same work headless.

Exit codes: 0 success, 1 the data or a file was rejected (the message says why), 2 bad usage.
Qt is imported only when the window opens, so the headless verbs start fast and run anywhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app import APP_NAME, __version__

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _database_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("database")
    group.add_argument(
        "--db", metavar="PATH", default=default, help="a database file (default: your user data folder)"
    )
    group.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help="any SQLAlchemy URL, e.g. postgresql+psycopg://host/desk for a shared team database",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commissioning-desk",
        description=f"{APP_NAME}: victims' services commissioning, returns, indicators and the MoJ return.",
        epilog="With no verb, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _database_options(parser, suppress=False)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        # Accepted after the verb too; SUPPRESS keeps a value given before the verb.
        _database_options(sub, suppress=True)
        return sub

    verb("demo", "fill an empty database with the synthetic demo data")

    report = verb("report", "the year's totals per measure, as the Panel report words them")
    report.add_argument("--year", required=True, help="financial year, e.g. 2022/23")
    report.add_argument("--format", choices=("text", "json"), default="text")
    report.add_argument(
        "--include-unverified",
        action="store_true",
        help="count draft and submitted returns too (the output says so)",
    )

    indicators = verb("indicators", "every Police and Crime Plan indicator: latest reading, baseline, status")
    indicators.add_argument("--format", choices=("text", "json"), default="text")
    indicators.add_argument("--plan", metavar="KEY", help="a plan's key, e.g. pcp-2021-24 (default: the plan in force)")
    indicators.add_argument("--pack", action="store_true", help="write the Panel pack for --year to --out")
    indicators.add_argument("--year", help="with --pack: the financial year, e.g. 2024/25")
    indicators.add_argument("--out", metavar="FILE.xlsx", help="with --pack: the workbook to write")

    export = verb("export", "write the MoJ return workbook for a financial year, half year or quarter")
    export.add_argument("--year", required=True, help="financial year, e.g. 2022/23")
    part = export.add_mutually_exclusive_group()
    part.add_argument("--quarter", metavar="Q1..Q4", help="one quarter of the year, e.g. Q1")
    part.add_argument("--half", metavar="H1|H2", help="one half of the year: H1 (Apr–Sep) or H2 (Oct–Mar)")
    export.add_argument(
        "--final",
        action="store_true",
        help="the return as sent to the MoJ: lock the returns it counts and record the submission",
    )
    export.add_argument(
        "--include-unverified",
        action="store_true",
        help="count draft and submitted returns too (the workbook says so)",
    )
    export.add_argument(
        "--signed-off-by",
        metavar="NAME",
        help="the Chief Finance Officer signing off a final six-monthly return (required with --final --half)",
    )
    export.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to save the workbook")

    templates = verb("templates", "write each provider's return template for a quarter, to fill in and send back")
    templates.add_argument("--period", required=True, metavar="QUARTER", help="the quarter, e.g. 2023/24-Q1")
    templates.add_argument("--out", required=True, metavar="DIR", help="folder for the workbooks (made if missing)")
    templates.add_argument("--provider", metavar="NAME", help="only this provider's template")

    chasers = verb("chasers", "draft one e-mail (.eml) per provider with missing or overdue returns, template attached")
    chasers.add_argument("--period", required=True, metavar="QUARTER", help="chase returns up to this quarter, e.g. 2024/25-Q4")
    chasers.add_argument("--out", required=True, metavar="DIR", help="folder for the .eml files (made if missing)")

    import_ = verb("import", "read filled return templates, show what they change, and save all of them or none")
    import_.add_argument("files", nargs="+", metavar="FILE.xlsx", help="filled templates")
    import_.add_argument("--dry-run", action="store_true", help="show the preview only; write nothing")
    import_.add_argument(
        "--period", metavar="QUARTER", help="refuse templates of any other quarter, e.g. 2023/24-Q1"
    )

    finance = verb("finance", "streams, lines and strands: budget, allocated, claimed, paid, forecast and flags")
    finance.add_argument("--year", required=True, help="financial year, e.g. 2024/25")
    finance.add_argument("--half", metavar="H1|H2", help="claims to the end of this half only, e.g. H1")
    finance.add_argument("--format", choices=("text", "json"), default="text")

    verb("check", "check the file's integrity and every return against every measure rule")

    backup = verb("backup", "copy the database to a file (a consistent snapshot)")
    backup.add_argument("--out", required=True, metavar="FILE", help="where to write the copy")

    team = verb("team", "a team's people on its server: who may connect, and in which role (administrators)")
    team_verbs = team.add_subparsers(dest="team_verb", metavar="ACTION", required=True)
    roles = "reader|officer|finance|administrator"
    for name, help_text in (
        ("add-person", "add a person: a login in one role; they set their own password"),
        ("set-role", "change a person's role"),
    ):
        action = team_verbs.add_parser(name, help=help_text, description=help_text)
        action.add_argument("name", metavar="NAME", help="their login name, e.g. jsmith")
        # Not argparse choices: the server refuses a role that is not one of the four, in a sentence.
        action.add_argument("--role", required=True, metavar=roles.upper(), help=roles)
    removal = team_verbs.add_parser("remove-person", help="remove a person's access to this database")
    removal.add_argument("name", metavar="NAME")
    team_verbs.add_parser("list", help="everyone who may connect, with their role")

    screenshot = verb("screenshot", "render every main page of the window to DIR/<page>.png")
    screenshot.add_argument("--out", required=True, metavar="DIR", help="folder for the pictures")
    return parser


def _target(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str | None:
    db_path = getattr(args, "db", None)
    url = getattr(args, "database_url", None)
    if db_path and url:
        parser.error("give either --db or --database-url, not both")
    return url or db_path


def _default_target() -> str:
    from desktop_app.paths import default_database_path

    return str(default_database_path())


def _open(target: str, *, exclusive: bool, create: bool = False):
    from desktop_app.services.workspace import open_for_command

    return open_for_command(target, exclusive=exclusive, create=create)


def _run_demo(target: str) -> int:
    from desktop_app.services.demo import build_demo

    with _open(target, exclusive=True, create=True) as db:
        summary = build_demo(db, progress=lambda text: print(text, file=sys.stderr))
    print(summary.describe())
    return EXIT_OK


def _run_report(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.periods import FinancialYear
    from desktop_app.services.report import report_json, report_text, year_report

    year = FinancialYear.parse(args.year)
    with _open(target, exclusive=False) as db:
        report = year_report(db, year, include_unverified=args.include_unverified)
    if args.format == "json":
        print(json.dumps(report_json(report), indent=2))
    else:
        print(report_text(report))
    return EXIT_OK


def _run_panel_pack(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.periods import FinancialYear
    from desktop_app.services.indicators import export_panel_pack

    year = FinancialYear.parse(args.year)
    with _open(target, exclusive=False) as db:
        written = export_panel_pack(db, Path(args.out), year, args.plan)
    print(f"Panel pack written to {written}")
    return EXIT_OK


def _run_indicators(target: str, args: argparse.Namespace) -> int:
    from desktop_app.services.indicators import indicators_json, indicators_text, list_indicators
    from desktop_app.services.workspace import is_demo

    if args.pack:
        return _run_panel_pack(target, args)
    with _open(target, exclusive=False) as db:
        rows = list_indicators(db, plan_key=args.plan)
        demo = is_demo(db)
    if args.format == "json":
        print(json.dumps(indicators_json(rows), indent=2))
    else:
        print(indicators_text(rows, is_demo=demo))
    return EXIT_OK


def _run_export(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.numbers import format_count
    from desktop_app.core.wording import date_and_time
    from desktop_app.services.export import ExportPeriod, final_export, write_moj_return

    period = ExportPeriod.from_options(args.year, quarter=args.quarter, half=args.half)
    shown = {"step": ""}

    def progress(fraction: float, text: str) -> None:
        # One line per step on stderr, so stdout stays the result a script reads.
        if text != shown["step"]:
            shown["step"] = text
            print(f"{fraction:4.0%} {text}", file=sys.stderr)

    if args.signed_off_by and not args.final:
        print("commissioning-desk: --signed-off-by records the sign-off of a final return; add --final.", file=sys.stderr)
        return EXIT_USAGE
    with _open(target, exclusive=args.final) as db:
        if args.final:
            record = final_export(
                db, period, Path(args.out), include_unverified=args.include_unverified,
                signed_off_by=args.signed_off_by, progress=progress,
            )
            path, totals, sha256 = Path(record.file_name), record.totals, record.sha256
        else:
            result = write_moj_return(
                db, period, Path(args.out), include_unverified=args.include_unverified, progress=progress
            )
            path, totals, sha256 = result.path, result.totals, result.sha256
    print(f"MoJ return {period.label} written to {path}")
    print("Totals: " + "; ".join(f"{key} {format_count(value)}" for key, value in totals.items()))
    if args.include_unverified:
        print("These totals include returns not yet verified.")
    if args.final:
        print(f"SHA-256: {sha256}")
        print(
            f"Recorded as submission {record.id}: {format_count(record.returns_included)} returns "
            "included and locked."
        )
        if record.signed_off_by:
            print(f"Signed off by {record.signed_off_by}, Chief Finance Officer, on {date_and_time(record.signed_off_at)} (UTC).")
    return EXIT_OK


def _step_printer():
    """progress(fraction, text) printing one line per new step on stderr (stdout is the result)."""
    shown = {"step": ""}

    def progress(fraction: float, text: str) -> None:
        if text != shown["step"]:
            shown["step"] = text
            print(f"{fraction:4.0%} {text}", file=sys.stderr)

    return progress


def _run_templates(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.periods import Quarter
    from desktop_app.core.wording import plural
    from desktop_app.services.templates import make_templates

    quarter = Quarter.parse(args.period)
    with _open(target, exclusive=False) as db:
        made = make_templates(db, quarter, Path(args.out), provider=args.provider, progress=_step_printer())
    for path in made.paths:
        print(path)
    print(
        f"{plural(len(made.paths), 'template')} for {quarter.label} written to {Path(args.out)}: "
        f"{plural(made.strands, 'strand')} of {plural(made.providers, 'provider')}."
    )
    return EXIT_OK


def _run_chasers(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.periods import Quarter
    from desktop_app.core.numbers import format_count
    from desktop_app.core.wording import noun, plural
    from desktop_app.services.returns.chasers import draft_chasers

    quarter = Quarter.parse(args.period)
    with _open(target, exclusive=False) as db:
        written = draft_chasers(db, quarter, Path(args.out))
    for path in written.paths:
        print(path)
    owed = sum(len(c.lines) for c in written.chasers)
    print(f"{plural(len(written.paths), 'chaser')} for {format_count(owed)} missing or overdue "
          f"{noun(owed, 'return')} up to {quarter.label} written to {Path(args.out)}.")
    if written.without_email:
        print("No contact e-mail (fill in To before sending): " + ", ".join(written.without_email) + ".")
    return EXIT_OK


def _run_import(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.periods import Quarter
    from desktop_app.core.wording import plural
    from desktop_app.services.templates import commit_import, preview_import

    period = Quarter.parse(args.period) if args.period else None
    # Only a real import writes, so only it needs the file to itself.
    with _open(target, exclusive=not args.dry_run) as db:
        preview = preview_import(db, [Path(f) for f in args.files], period=period, progress=_step_printer())
        if not preview.files:
            print("commissioning-desk: nothing was imported: no workbooks were found there", file=sys.stderr)
            return EXIT_REJECTED
        for line in preview.lines():
            print(line)
        if not preview.ok:
            refused = preview.refused_files
            print(
                f"commissioning-desk: nothing was imported: {len(refused)} of {len(preview.files)} files refused",
                file=sys.stderr,
            )
            for item in refused:
                print(item.refusal_line(), file=sys.stderr)
            return EXIT_REJECTED
        if args.dry_run:
            print("Dry run: nothing was written.")
            return EXIT_OK
        commit_import(db, preview)
    returns, files = len(preview.to_write), len(preview.files)
    print(
        f"Imported: {plural(returns, 'return')} written from {plural(files, 'file')}."
    )
    return EXIT_OK


def _run_finance(target: str, args: argparse.Namespace) -> int:
    from desktop_app.core.periods import FinancialYear, HalfYear
    from desktop_app.services.finance import finance_json, finance_report, finance_text

    year = FinancialYear.parse(args.year)
    half = HalfYear.parse(f"{year.label} {args.half.strip()}") if args.half else None
    with _open(target, exclusive=False) as db:
        report = finance_report(db, year, half)
    print(json.dumps(finance_json(report), indent=2) if args.format == "json" else finance_text(report))
    return EXIT_OK


def _run_check(target: str) -> int:
    from desktop_app.services.checks import check_target

    result = check_target(target)
    if result.ok:
        print(
            f"No problems: the file is sound and {result.returns_checked:,} returns keep all "
            f"{result.rules_checked} measure rules."
        )
        return EXIT_OK
    print(f"{len(result.problems):,} problems found:")
    for problem in result.problems:
        print(f"- {problem}")
    return EXIT_REJECTED


def _run_backup(target: str, out: str) -> int:
    from desktop_app.services.maintenance import backup_to

    with _open(target, exclusive=False) as db:
        written = backup_to(db, Path(out))
    print(f"Backup written to {written}")
    return EXIT_OK


def _run_team(target: str, args: argparse.Namespace) -> int:
    from desktop_app.services import team as people

    with _open(target, exclusive=False) as db:
        if args.team_verb == "list":
            found = people.list_people(db)
            for person in found:
                print(f"{person.name}\t{person.role.value}")
            from desktop_app.core.wording import plural

            print(f"{plural(len(found), 'person', 'people')}.", file=sys.stderr)
        elif args.team_verb == "add-person":
            people.add_person(db, args.name, args.role)
            print(
                f"Added {args.name.strip()} as {args.role.strip().lower()}. They have no password yet: they "
                f"set their own, with psql's \\password, or in the window when it asks (Team › Change my "
                "password…); no one else ever sees it."
            )
        elif args.team_verb == "set-role":
            people.set_role(db, args.name, args.role)
            print(f"{args.name.strip()} is now {args.role.strip().lower()}.")
        elif args.team_verb == "remove-person":
            people.remove_person(db, args.name)
            print(f"Removed {args.name.strip()}: they can no longer connect to this database.")
    return EXIT_OK


def _run_screenshot(target: str, out: str) -> int:
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from desktop_app.app import build_main_window, dispose_window
    from desktop_app.ui.screenshot import save_screenshots

    with tempfile.TemporaryDirectory() as scratch:
        # Fresh settings: the pictures must not depend on (or change) this user's window state.
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        window = build_main_window(target, settings=settings)
        try:
            written = save_screenshots(window, Path(out))
        finally:
            dispose_window(window)
    for path in written:
        print(path)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    target = _target(args, parser)
    from desktop_app.services.errors import REFUSALS

    try:
        if args.verb is None:
            from desktop_app.app import run_gui

            return run_gui(target)
        target = target or _default_target()
        if args.verb == "demo":
            return _run_demo(target)
        if args.verb == "report":
            return _run_report(target, args)
        if args.verb == "indicators":
            if args.pack and not (args.year and args.out):
                parser.error("indicators --pack needs --year (e.g. 2024/25) and --out FILE.xlsx")
            return _run_indicators(target, args)
        if args.verb == "export":
            return _run_export(target, args)
        if args.verb == "templates":
            return _run_templates(target, args)
        if args.verb == "import":
            return _run_import(target, args)
        if args.verb == "chasers":
            return _run_chasers(target, args)
        if args.verb == "finance":
            return _run_finance(target, args)
        if args.verb == "check":
            return _run_check(target)
        if args.verb == "backup":
            return _run_backup(target, args.out)
        if args.verb == "team":
            return _run_team(target, args)
        if args.verb == "screenshot":
            return _run_screenshot(target, args.out)
    except REFUSALS as error:
        print(f"commissioning-desk: {error}", file=sys.stderr)
        return EXIT_REJECTED
    except Exception as error:  # noqa: BLE001 - the last resort: a sentence and a log, never a traceback
        from desktop_app.crash_log import crash_sentence, record_crash

        print(f"commissioning-desk: {crash_sentence(error, record_crash(error, args.verb or 'window'))}", file=sys.stderr)
        return EXIT_REJECTED
    parser.error(f"unknown verb {args.verb}")
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
