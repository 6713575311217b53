"""A launch at 9:00: an administrator invites a 200-person channel in one command, and 100 of them
answer the whole survey at once, while the fake Slack enforces Slack's published rate limits.

The bot runs as in production (bot/http_server.py: waitress, 2 worker processes sharing one
database, their outbox and reminder timers running), in a subprocess on 127.0.0.1; the fake Slack,
with its limits switched on (sandbox/fake_slack/limits.py, on real time), in a process of its own;
the people in this one. Every request is signed and shaped like Slack's, and every click carries a
response_url as Slack's do.

1. The administrator sends `/survey assign <#channel>` (200 members).
2. The invitations go out through the outbox, paced by Slack's 429s.
3. Every other member (100 people) clicks 回答を始める in the invitation as soon as it arrives, then
   answers the longest path of the shipped survey (60 questions, two long-text modals, 送信),
   waiting `--think` seconds after each question appears before answering, as a person reads.

Reported: the time from the command until all 200 invitations are delivered and until all 100
people are done; the 429s Slack (the fake) returned, by method; click to next question, p50, p99 and
the worst, and how many waited more than 2 s; the Web API calls spent; and whether any answer was
lost (every respondent's submission is read back from the database and compared with what they
answered). Nothing printed carries an answer.

Run: python -m benchmarks.bench_launch [--invited 200] [--answering 100] [--think 1.0]
     [--db sqlite|postgresql|both] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.bench_http import (
    SlackManager,
    TimedSender,
    act,
    answer,
    http_server,
    postgres_database,
    prepare_database,
    server_env,
    sqlite_database,
)
from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.settings import SHIPPED_FLOW
from sandbox import slack_payloads as sr
from tests.bot.harness import ADMIN, question_id_of

CHANNEL = "C0LAUNCH01"
SLOW_SECONDS = 2.0  # the goal: no click waits longer than this for Slack's limits
INVITATION_WAIT_SECONDS = 900.0

# The invitation's notification text without the survey's title (texts.invitation_notification).
INVITATION_TEXT = "への回答のお願い"


@dataclass
class Respondent:
    user: str
    invited_after: float = math.nan  # seconds from the command to the invitation in the DM
    done_after: float = math.nan  # seconds from the command to the receipt
    waits: list[float] = field(default_factory=list)  # click → next question, seconds
    first_wait: float = math.nan  # 回答を始める → the first question
    receipt_wait: float = math.nan  # 送信 → the receipt in the DM (through the outbox)
    error: str | None = None
    stage: str = "invitation"  # what the person was waiting for last


def answer_the_survey(
    slack: Any, base_url: str, person: Respondent, types: Mapping[str, str], started: float, think: float
) -> None:
    sender = TimedSender(base_url)
    user = person.user
    invitation = slack.wait_text(user, INVITATION_TEXT, 0, INVITATION_WAIT_SECONDS)
    person.invited_after = time.monotonic() - started
    person.stage = "question"
    time.sleep(think)
    clicked = time.monotonic()
    act(slack, sender, user, invitation, refs.START)
    seen = 0
    for _ in range(len(types) + 5):
        message, seen = slack.next_prompt(user, seen)
        if math.isnan(person.first_wait):
            person.first_wait = time.monotonic() - clicked
        else:
            person.waits.append(time.monotonic() - clicked)
        time.sleep(think)
        clicked = time.monotonic()
        question_id = question_id_of(message)
        if question_id is None:  # the review
            act(slack, sender, user, message, refs.SUBMIT)
            person.stage = "receipt"
            slack.wait_text(user, "受付番号", seen)
            person.receipt_wait = time.monotonic() - clicked
            person.done_after = time.monotonic() - started
            return
        answer(slack, sender, user, message, types[question_id], LONGEST_PATH_ANSWERS[question_id])
    raise RuntimeError("the review never came")


def wait_for_invitation(slack: Any, user: str, started: float) -> float:
    slack.wait_text(user, INVITATION_TEXT, 0, INVITATION_WAIT_SECONDS)
    return time.monotonic() - started


def expected_answers() -> dict[str, Any]:
    """What the bot stores for LONGEST_PATH_ANSWERS: each answer parsed by the engine, in order."""
    from flows.engine import apply_answer
    from flows.load import load_flow_file

    flow = load_flow_file(SHIPPED_FLOW).flow
    answers: dict[str, Any] = {}
    for question_id, raw in LONGEST_PATH_ANSWERS.items():
        answers = dict(apply_answer(flow, answers, question_id, raw).answers)
    return answers


def lost_answers(database_url: str, users: Sequence[str]) -> list[str]:
    """Whose submission is missing, or holds other answers than they gave (ids only)."""
    from sqlmodel import select

    import storage
    from storage import Submission

    expected = expected_answers()
    engine = storage.make_engine(database_url)
    try:
        with storage.session_scope(engine, read_only=True) as session:
            submitted = {s.user_id: s.answers for s in session.exec(select(Submission))}
    finally:
        engine.dispose()
    return [user for user in users if submitted.get(user) != expected]


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)] if ordered else math.nan


def run_launch(
    database: str, slack: Any, invited: int, answering: int, think: float, workers: int, threads: int
) -> None:
    from flows.load import load_flow_file

    types = {q.id: q.type for q in load_flow_file(SHIPPED_FLOW).flow.questions}
    members = [f"U0LAUNCH{n:03d}" for n in range(invited)]
    step = max(invited // max(answering, 1), 1)
    answering_users = members[::step][:answering]
    opened = sqlite_database() if database == "sqlite" else postgres_database()
    with opened as (url, _pids):
        prepare_database(url)
        slack.reset()
        for user in members:
            slack.add_user(user, f"職員 {user[-3:]}")
        slack.add_channel(CHANNEL, "launch", members=members)
        slack.limit_rates()
        with http_server("bot", server_env(slack.api_url(), url, workers, threads)) as (base, _pid):
            people = [Respondent(user) for user in answering_users]
            others = [user for user in members if user not in set(answering_users)]
            invited_after: list[float] = []
            errors: list[str] = []

            def one(person: Respondent) -> None:
                try:
                    answer_the_survey(slack, base, person, types, started, think)
                except Exception as error:  # noqa: BLE001 - counted and reported below
                    person.error = type(error).__name__
                    errors.append(f"{person.user}: {type(error).__name__} waiting for the {person.stage}")

            def watch_the_others() -> None:
                for user in others:
                    try:
                        invited_after.append(wait_for_invitation(slack, user, started))
                    except Exception as error:  # noqa: BLE001
                        errors.append(f"{user}: invitation {type(error).__name__}")

            admin = TimedSender(base)
            started = time.monotonic()
            admin.send(
                sr.slash_command(
                    user_id=ADMIN, team_id=sr.TEAM_ID, channel_id=f"D{ADMIN}", text=f"assign <#{CHANNEL}>"
                )
            )
            threads_ = [threading.Thread(target=one, args=(p,), daemon=True) for p in people]
            threads_.append(threading.Thread(target=watch_the_others, daemon=True))
            for thread in threads_:
                thread.start()
            for thread in threads_:
                thread.join()
            refused = slack.refused()
            calls = slack.call_counts()
        finished = [p.user for p in people if p.error is None]
        lost = lost_answers(url, finished)

    waits = [w for p in people for w in p.waits]
    firsts = [p.first_wait for p in people if not math.isnan(p.first_wait)]
    receipts = [p.receipt_wait for p in people if not math.isnan(p.receipt_wait)]
    all_invited = [p.invited_after for p in people] + invited_after
    done = [p.done_after for p in people if not math.isnan(p.done_after)]
    print(
        f"\n{database}: {invited} invited, {len(people)} answering, think {think:.1f} s, {workers} processes"
    )
    print(
        f"  invitations delivered: {len(all_invited)} / {invited}, the last {max(all_invited):.1f} s after the command"
    )
    print(
        f"  everyone done: {len(done)} / {len(people)}, the last {max(done, default=math.nan):.1f} s after the command"
    )
    print(
        f"  click to next question: p50 {percentile(waits, 50) * 1e3:.0f} ms, "
        f"p99 {percentile(waits, 99) * 1e3:.0f} ms, worst {max(waits, default=math.nan) * 1e3:.0f} ms; "
        f"{sum(w > SLOW_SECONDS for w in waits)} of {len(waits)} over {SLOW_SECONDS:.0f} s"
    )
    print(
        f"  回答を始める to the first question: p50 {percentile(firsts, 50) * 1e3:.0f} ms, worst "
        f"{max(firsts, default=math.nan) * 1e3:.0f} ms; 送信 to the receipt (outbox): p50 "
        f"{percentile(receipts, 50) * 1e3:.0f} ms, worst {max(receipts, default=math.nan) * 1e3:.0f} ms"
    )
    print(f"  429s from Slack: {dict(sorted(refused.items())) or 'none'}")
    print(f"  Web API calls: {dict(sorted(calls.items()))}")
    print(
        f"  answers lost: {len(lost)} (the submissions of the {len(finished)} who finished, read back "
        f"and compared: {len(finished) - len(lost)} whole)"
    )
    if errors:
        print(f"  errors: {len(errors)}, e.g. {errors[:3]}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_launch", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--invited", type=int, default=200)
    parser.add_argument("--answering", type=int, default=100)
    parser.add_argument("--think", type=float, default=1.0, help="seconds a person reads each question")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    manager = SlackManager(address=("127.0.0.1", 0), serializer="pickle-wide-backlog")
    manager.start()
    sys.setswitchinterval(0.0005)
    try:
        slack = manager.workspace()  # type: ignore[attr-defined]  # registered in bench_http
        for database in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
            run_launch(database, slack, args.invited, args.answering, args.think, args.workers, args.threads)
    finally:
        manager.shutdown()


if __name__ == "__main__":
    main()
