"""`python -m flows check|paths|diagram FILE`: tools for people who write and review flows."""

from __future__ import annotations

import argparse
import sys

from flows.diagram import mermaid
from flows.lint import lint
from flows.load import FlowFileError, LoadedFlow, load_flow_file
from flows.paths import explore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows", description="Check and explore a survey flow file."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("check", "lint the flow: exit 1 and one line per problem if anything is wrong"),
        ("paths", "count the distinct question paths and prove that each ends at the review"),
        ("diagram", "print the branching as a Mermaid flowchart"),
    ):
        commands.add_parser(name, help=text).add_argument("file")
    args = parser.parse_args(argv)
    try:
        loaded = load_flow_file(args.file)
    except FlowFileError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    return {"check": _check, "paths": _paths, "diagram": _diagram}[args.command](loaded)


def _check(loaded: LoadedFlow) -> int:
    problems = lint(loaded)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} 件の問題があります。", file=sys.stderr)
        return 1
    flow = loaded.flow
    print(f"OK: {loaded.source} ({flow.id}: {len(flow.items)} 項目, {len(flow.questions)} 問)")
    return 0


def _paths(loaded: LoadedFlow) -> int:
    problems = lint(loaded)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    report = explore(loaded.flow)
    print(f"paths: {report.count:,}")
    print(f"shortest: {len(report.shortest)} questions: {' → '.join(report.shortest)}")
    print(f"longest: {len(report.longest)} questions: {' → '.join(report.longest)}")
    if not report.all_end_at_review:
        print(f"dead ends at: {', '.join(sorted(report.dead_ends))}", file=sys.stderr)
        return 1
    print("every path ends at the review: yes (every question asked on any path has an acceptable answer)")
    return 0


def _diagram(loaded: LoadedFlow) -> int:
    print(mermaid(loaded.flow), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
