"""`python -m bot`: run the bot in the mode the settings call for (see bot/runner.py), or
`python -m bot export …`: write the submitted answers to a file (see bot/results/cli.py)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from bot.logs import keep_answers_out_of_logs
from bot.results.cli import COMMAND as EXPORT
from bot.results.cli import add_export_command, run_export
from bot.runner import Mode, choose_mode, prepare, run_http, run_socket_mode
from bot.settings import Settings, SettingsError


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    keep_answers_out_of_logs()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run the Kikitori Slack bot.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--socket-mode", action="store_const", const=Mode.SOCKET, dest="mode")
    group.add_argument("--http", action="store_const", const=Mode.HTTP, dest="mode")
    group.add_argument("--sandbox", action="store_const", const=Mode.SANDBOX, dest="mode")
    # Without a subcommand the flags above choose how the bot runs; `export` writes a file and exits.
    commands = parser.add_subparsers(dest="command", metavar="{export}")
    add_export_command(commands)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as problem:
        print(f"Cannot start: {problem}", file=sys.stderr)
        return 2
    if args.command == EXPORT:
        return run_export(args, settings)
    configure_logging(settings.log_level)
    choice = choose_mode(settings, args.mode)
    if choice.problem:
        print(choice.problem, file=sys.stderr)
        return 2
    if choice.mode is Mode.SOCKET:
        run_socket_mode(prepare(settings))
    elif choice.mode is Mode.HTTP:
        return run_http(settings)
    else:
        from sandbox import run_sandbox

        return run_sandbox(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
