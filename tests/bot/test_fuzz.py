"""Fuzzed Slack payloads through the real app over HTTP: seeded, bounded, on both databases.

Every kind of request the bot receives is built from what the fake Slack shows at that moment (the
DMs, the administrators' channel, the Home tabs), then mutated and signed correctly, so that it passes
the signature check and reaches Bolt and the bot:

* slash commands (`/survey` with words, odd text, fields gone),
* block_actions on every interactive element shown (buttons, menus, pickers, inputs), with their
  action ids, values, block ids and state mutated, or the actor swapped for someone else,
* view_submission of the long-text modal and of the administrators' status form, with mutated
  private_metadata and state,
* block_suggestion (the department search), and the events `message` (a DM) and `app_home_opened`.

Mutations: odd Unicode (RTL and zero-width marks, a BOM, lone surrogates escaped in the JSON, NUL,
combining marks, digits such as '²' and '٣'), strings far past Slack's limits, other types where a
string or an object belongs (numbers, lists, objects, null, booleans), keys gone, huge and negative
numbers, refs to another person's draft, to versions that never were, to ids past any integer column,
and refs of an earlier release. Form bodies (slash commands) carry strings only, never a surrogate.

What must hold, and how it is decided:

* No response is a 5xx. (The bot refuses a request Bolt cannot route, or one holding a lone
  surrogate, with a 400 — bot/listeners/shape.py; Bolt answers 404 for one no listener takes.)
* No log record at any level carries a traceback (exc_info or stack_info): Bolt logs a listener or a
  middleware that raised with one, so this catches every exception that escaped the bot's code; and
  no unhandled exception in any thread (pytest's warning for one is an error here).
* No ERROR record from Bolt or the Slack SDK.
* The bot's own ERROR records only for the refusals it is built to make, each naming an error class
  and carrying no traceback: the database could not do the action (PostgreSQL refuses a NUL, or a
  forged id longer than its column), Slack refused a reply (a forged user, channel or trigger). The
  catch-all of bot/listeners/carrying.py, "a person's action failed", means an exception nobody
  expected — a bug — and fails the test.
* The fake Slack's own records are not the bot's: it stands for Slack.
* Afterwards the database is consistent: every draft's and submission's answers are answers to
  questions on its path, each one what the flow's own parser makes of it (flows.engine.prune drops
  nothing, flows.answers.parse_answer gives the stored value back), every 所属 is a department that
  exists, every submission has every required answer, and the draft of a person who never acted
  during the run is exactly as it was, whatever was forged against it.
* Most requests (three in four) were acknowledged with a 200: the run is not one of refusals only.

Not sent: a mutated request that Bolt itself cannot read, before any of the bot's code runs
(slack_bolt.request.BoltRequest, and its built-in IgnoringSelfEvents middleware, raise on a `team`
that is a number, `authorizations` or `event` that are a string): that is Bolt's, see _bolt_can_read.

Bounded and replayable: ROUNDS requests per database from random.Random(SEED), one at a time, each
built once the listeners of the one before have finished. FUZZ_SEED and FUZZ_ROUNDS in the
environment explore other runs.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import random
import string
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt import BoltResponse
from slack_bolt.middleware import IgnoringSelfEvents
from slack_bolt.request import BoltRequest
from sqlmodel import Session, select

import storage
from bot import refs
from bot.admin_post import admin_post_for
from bot.app import Kikitori
from bot.receipts import receipt_for
from bot.refs import DraftRef, ModalRef
from bot.rendering.after_submission import status_form_view
from bot.rendering.conversation import long_text_modal
from flows.answers import InvalidAnswer, parse_answer
from flows.engine import missing_answers, prune
from flows.model import Flow
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from storage import Draft, Submission
from tests.bot.harness import ADMIN, ADMIN_CHANNEL, OTHER, RESPONDENT, Person, start_and_answer_org
from tests.bot.results.helpers import sample_answers

SEED = int(os.environ.get("FUZZ_SEED", "1234"))
ROUNDS = int(os.environ.get("FUZZ_ROUNDS", "400"))  # requests per database
SUBMITTER = "U0SUBMIT1"  # has a submission, for the administrators' buttons
VICTIM = "U0VICTIM1"  # has a draft and never acts during the run: forged refs point at it
ACTORS = (RESPONDENT, OTHER, ADMIN, SUBMITTER)
# 集計 and エクスポート take a second or more each (charts, a workbook): a few per run, not dozens.
EXPENSIVE_ACTIONS = frozenset({refs.RESULTS_STATS, refs.RESULTS_EXPORT})
EXPENSIVE_WORDS = ("集計", "エクスポート")
EXPENSIVE_PER_RUN = 3

ODD_STRINGS = (
    "",
    " ",
    "\u202eabc\u202c",  # right-to-left override
    "\u200f\u200e",  # RTL and LTR marks
    "\u200b",  # zero-width space
    "\ufeff1",  # a byte order mark before a digit
    "\ud800",  # a lone surrogate: JSON carries it escaped
    "x\udfffy",
    "a\x00b",
    "\x00",
    "e\u0301" * 40,  # combining marks
    "²",
    "٣",  # an Arabic-Indic digit: isdigit() says yes, int() says yes too
    "１２",  # full-width digits
    "-1",
    "0",
    "9" * 25,
    "9" * 5000,  # beyond int()'s default digit limit
    "あ" * 3001,
    "x" * 40_000,
    "🙂" * 200,
    "null",
    "[]",
    "{}",
    "<@U0ADMIN001>",
    "<!channel>",
    "*太字* _斜体_ `code`",
    "&lt;&amp;&gt;",
    "' OR '1'='1",
    "%00",
    "kk|1|1|org|input",  # an earlier release's ref
    "kk2|1|1|org|input",
    "kk2|99999999999999999999|1|org|input",
    "kk2|²|1|org|input",
    "kk2|1|٣|org|input",
    "kk2|1|1||input",
    "kk2|1|1|org|input|extra",
    "kk2|draft|99999999999999999999",
    "kk2|start|²",
    '{"ref": "kk2|1|1|q23_measures", "flow": 1}',
)
ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**63,
    -(2**63) - 1,
    10**30,
    [],
    {},
    [1, "x", None],
    {"a": 1},
    {"value": "kk2|1|1|org"},
    ["kk2|1|1|org|input"],
    [[[[]]]],
)
COMMAND_WORDS = (
    "",
    "開始",
    "再開",
    "状況",
    "中止",
    "ヘルプ",
    "help",
    "控え",
    "控え 2026-0001",
    "修正 2026-0001 日付の誤り",
    "取下げ 2026-0001 重複",
    "削除 2026-0001 誤送信",
    "集計",
    "集計 2026年度",
    "エクスポート 2026-04",
    "エクスポート履歴",
    "監査 2026年度",
    "依頼 <@U0RESPOND2> 2026-12-01",
    "ｓｔａｒｔ",
)
HOT = (
    "actions",
    "state",
    "container",
    "user",
    "team",
    "private_metadata",
    "callback_id",
    "event",
    "value",
    "block_id",
    "action_id",
    "channel",
    "text",
    "type",
    "view",
)

Payload = dict[str, Any]


@dataclass
class World:
    """What the fuzzer knows: the bot, the fake Slack, the drafts it can forge refs to."""

    bot: Kikitori
    fake: FakeSlack
    flow: Flow
    victim: Draft
    submission: Submission
    draft_ids: list[int] = field(default_factory=list)
    unreadable_to_bolt: int = 0  # mutated requests not sent: see _bolt_can_read
    expensive_left: int = EXPENSIVE_PER_RUN

    def dm(self, user: str) -> str:
        return self.fake.dm_channel(user)

    def forged_refs(self, rng: random.Random) -> str:
        """A ref of this encoding to a draft that exists, at a version and question chosen badly."""
        draft_id = rng.choice([self.victim.id or 0, *self.draft_ids, 0, 2**62])
        version = rng.choice([0, 1, 2, 3, 2**40, self.victim.version])
        question = rng.choice([q.id for q in self.flow.questions] + ["-", "nope"])
        part = rng.choice(["input", "review_actions", "answered", ""])
        ref = DraftRef(draft_id, version, question)
        return ref.block_id(part) if part else ref.encode()


# ----- the test ------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_fuzzed_payloads_never_crash_the_bot_nor_corrupt_a_draft(
    bot: Kikitori, fake_slack: FakeSlack, sender: sr.SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world = _prepare(bot, fake_slack, sender)
    victim_before = storage.get_draft(bot.engine, world.victim.id or 0)
    listeners = _CountingExecutor(bot.app._listener_runner.listener_executor)
    bot.app._listener_runner.listener_executor = listeners
    rng = random.Random(SEED)
    server_errors: list[tuple[int, str, int]] = []
    statuses: Counter[tuple[str, int]] = Counter()
    for round_number in range(ROUNDS):
        kind, request = _fuzzed_request(rng, world)
        response = sender.send(request)
        statuses[(kind, response.status)] += 1
        if response.status >= 500:
            server_errors.append((round_number, kind, response.status))
        listeners.wait_until_idle()  # the next request is built from what this one left
    _settle(bot)
    problems = {
        "5xx": server_errors,
        "tracebacks": _tracebacks(caplog.records),
        "errors": sorted(set(_unexpected_errors(caplog.records))),
    }
    assert problems == {"5xx": [], "tracebacks": [], "errors": []}, json.dumps(problems, indent=1)
    # Not a run of refusals only: most requests reached a listener and were acknowledged.
    assert sum(n for (_, status), n in statuses.items() if status == 200) >= ROUNDS * 3 // 4, statuses
    _assert_consistent(world)
    victim_after = storage.get_draft(bot.engine, world.victim.id or 0)
    assert (victim_after.answers, victim_after.version) == (victim_before.answers, victim_before.version)


# ----- the world before the run ----------------------------------------------------------------------


def _prepare(bot: Kikitori, fake: FakeSlack, sender: sr.SlackSender) -> World:
    fake.add_user(SUBMITTER, "佐渡 次郎")
    fake.add_user(VICTIM, "柏崎 三郎")
    submission = _submitted(bot, SUBMITTER)
    bot.deliver()  # the summary in the administrators' channel, with its buttons; the receipt DM
    for user in (RESPONDENT, OTHER, VICTIM):
        start_and_answer_org(Person(user, fake, sender))
    for user in (RESPONDENT, ADMIN):  # their Home tabs, with the buttons they hold
        assert sender.send(sr.app_home_opened(user)).status == 200
    fake.wait_for(lambda: fake.home_view(RESPONDENT) and fake.home_view(ADMIN))
    victim = _draft_of(bot, VICTIM)
    draft_ids = [d.id or 0 for d in (_draft_of(bot, RESPONDENT), _draft_of(bot, OTHER))]
    return World(bot, fake, bot.catalog.current, victim, submission, draft_ids)


def _submitted(bot: Kikitori, user: str) -> Submission:
    """A submission made as 送信 makes one: with its receipt and its post in the outbox."""
    draft = storage.start_draft(
        bot.engine,
        team_id=sr.TEAM_ID,
        user_id=user,
        flow_version_id=bot.catalog.current_version_id,
        now=bot.clock.now(),
    )
    return storage.submit_draft(
        bot.engine,
        draft.id or 0,
        expected_version=draft.version,
        answers=sample_answers(),
        now=bot.clock.now(),
        timezone=bot.clock.timezone,
        notifications=lambda made: [receipt_for(made), admin_post_for(made)],
    )


def _draft_of(bot: Kikitori, user: str) -> Draft:
    draft = storage.find_active_draft(
        bot.engine, team_id=sr.TEAM_ID, user_id=user, flow_id=bot.catalog.current.id
    )
    assert draft is not None
    return draft


def _settle(bot: Kikitori) -> None:
    """Wait for every listener still running after its ack (Bolt runs them on its own threads)."""
    bot.app._listener_runner.listener_executor.shutdown(wait=True)


class _CountingExecutor(Executor):
    """Bolt's listener executor, counting the listeners that run after their ack, so that each request
    is built from the state the previous one left (the run replays from its seed) and the bot is never
    flooded (with every worker busy, Bolt gives up on an ack after 3 s)."""

    def __init__(self, inner: Executor) -> None:
        self._inner = inner
        self._running = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._idle:
            self._running += 1
        future = self._inner.submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _: Future[Any]) -> None:
        with self._idle:
            self._running -= 1
            self._idle.notify_all()

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._running == 0, timeout), "a listener is still running"

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


# ----- building a request ----------------------------------------------------------------------------


def _fuzzed_request(rng: random.Random, world: World) -> tuple[str, sr.SlackRequest]:
    builders: list[tuple[str, int, Callable[[random.Random, World], sr.SlackRequest | None]]] = [
        ("block_actions", 45, _block_actions),
        ("slash_command", 14, _slash_command),
        ("view_submission", 12, _view_submission),
        ("block_suggestion", 8, _block_suggestion),
        ("message", 13, _message_event),
        ("app_home_opened", 8, _home_opened),
    ]
    while True:
        kind, _, build = rng.choices(builders, weights=[weight for _, weight, _ in builders])[0]
        request = build(rng, world)
        if request is None or (_expensive(request) and world.expensive_left <= 0):
            continue
        if not _bolt_can_read(request):
            world.unreadable_to_bolt += 1
            continue
        world.expensive_left -= _expensive(request)
        return kind, request


def _expensive(request: sr.SlackRequest) -> bool:
    text = request.data.get("text")
    if isinstance(text, str) and any(word in text for word in EXPENSIVE_WORDS):
        return True
    actions = request.data.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    action_id = action.get("action_id") if isinstance(action, dict) else None
    return isinstance(action_id, str) and action_id in EXPENSIVE_ACTIONS


def _bolt_can_read(request: sr.SlackRequest) -> bool:
    """Whether Bolt's own reading of a request gets through: slack_bolt.request.BoltRequest (the body
    parsed; the team, user, channel and enterprise picked out of it) and the built-in middleware that
    runs before any of the bot's code (IgnoringSelfEvents reads `event` as an object). Both raise on
    shapes only Slack could sign (a `team` that is a number, `authorizations` or `event` that are a
    string): those requests are Bolt's business, never reach the bot, and are not sent."""
    try:
        bolt_request = BoltRequest(
            body=request.body.decode("ascii"), headers={"content-type": [request.content_type]}
        )
        IgnoringSelfEvents().process(req=bolt_request, resp=BoltResponse(status=200), next=_ok)
    except Exception:
        return False
    return True


def _ok() -> BoltResponse:
    return BoltResponse(status=200)


def _block_actions(rng: random.Random, world: World) -> sr.SlackRequest | None:
    surfaces = _surfaces(world)
    owner, surface = rng.choice(surfaces)
    blocks = surface["blocks"]
    elements = [(block_id, element) for block_id, element in sr.iter_elements(blocks)]
    if not elements:
        return None
    block_id, element = rng.choice(elements)
    action = _action(rng, block_id, element)
    if action is None:
        return None
    actor = owner if rng.random() < 0.75 else rng.choice(ACTORS)
    trigger = world.fake.issue_trigger(actor)
    if surface.get("type") == "home":
        request = sr.view_block_actions(
            user_id=actor, team_id=sr.TEAM_ID, view=surface, action=action, trigger_id=trigger
        )
    else:
        request = sr.block_actions(
            user_id=actor,
            team_id=sr.TEAM_ID,
            channel_id=surface["channel"],
            message_ts=surface["ts"],
            message_blocks=blocks,
            action=action,
            trigger_id=trigger,
        )
    return sr.interactivity_request(_mutated(rng, request.data, world))


def _surfaces(world: World) -> list[tuple[str, Payload]]:
    """Every message and Home tab with something to click, and whose it is."""
    found: list[tuple[str, Payload]] = []
    for user in (RESPONDENT, OTHER, ADMIN, SUBMITTER):
        for message in world.fake.messages(world.dm(user))[-6:]:
            found.append((user, {**message, "channel": world.dm(user)}))
        home = world.fake.home_view(user)
        if home is not None:
            found.append((user, home))
    for message in world.fake.messages(ADMIN_CHANNEL)[-6:]:
        found.append((ADMIN, {**message, "channel": ADMIN_CHANNEL}))
    return [(user, surface) for user, surface in found if any(sr.iter_elements(surface.get("blocks") or []))]


def _action(rng: random.Random, block_id: str, element: Payload) -> Payload | None:
    """The element used as a person would, with a plausible value."""
    kind = element.get("type")
    options = element.get("options") or [
        option for group in element.get("option_groups") or [] for option in group.get("options") or []
    ]
    value: Any = None
    if kind in ("static_select", "radio_buttons", "overflow") and options:
        value = rng.choice(options)["value"]
    elif kind in ("checkboxes", "multi_static_select") and options:
        value = [option["value"] for option in rng.sample(options, rng.randint(1, min(3, len(options))))]
    elif kind == "external_select":
        value = {"text": {"type": "plain_text", "text": "010020 総務部 法務文書課"}, "value": "010020"}
    elif kind == "datepicker":
        value = rng.choice(["2026-11-01", "2030-01-01", "1900-01-01"])
    elif kind == "timepicker":
        value = rng.choice(["10:30", "00:00", "23:59"])
    elif kind in sr.TEXT_INPUTS:
        value = rng.choice(["3", "新潟 太郎", "1", "0", "51", *rng.sample(ODD_STRINGS, 2)])
    try:
        return sr.action_for(block_id, element, value)
    except (ValueError, KeyError):
        return None


def _slash_command(rng: random.Random, world: World) -> sr.SlackRequest:
    user = rng.choice(ACTORS)
    channel = world.dm(user) if rng.random() < 0.7 else "C0GENERAL"
    text = rng.choice(COMMAND_WORDS)
    if rng.random() < 0.4:
        text = rng.choice([text + " " + _form_string(rng, world), _form_string(rng, world)])
    fields = dict(sr.slash_command(user_id=user, team_id=sr.TEAM_ID, channel_id=channel, text=text).data)
    for _ in range(rng.choice([0, 0, 1, 2])):  # form fields are always strings: odd ones, or gone
        name = rng.choice(sorted(fields))
        if name == "command" and rng.random() < 0.8:
            continue  # mostly still /survey, so that the listener is reached
        if rng.random() < 0.3:
            del fields[name]
        else:
            fields[name] = _form_string(rng, world)
    return sr.form_request(fields)


def _form_string(rng: random.Random, world: World) -> str:
    """An odd string a form body can carry: UTF-8, percent-encoded, so never a lone surrogate."""
    while True:
        text = _odd_string(rng, world)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            continue
        return text


def _view_submission(rng: random.Random, world: World) -> sr.SlackRequest:
    user = rng.choice(ACTORS)
    if rng.random() < 0.6:
        question = rng.choice([q for q in world.flow.questions if q.type in ("long_text", "text")])
        draft = rng.choice([*world.draft_ids, world.victim.id or 0])
        current = storage.get_draft(world.bot.engine, draft)
        metadata = ModalRef(
            DraftRef(draft, rng.choice([current.version, current.version - 1]), question.id),
            current.flow_version_id,
            world.dm(user),
            sr.slack_ts(),
        ).encode()
        view = long_text_modal(question, None, metadata)
        answer = rng.choice(["送信前に宛先を確認する。", "", *rng.sample(ODD_STRINGS, 3)])
        state: dict[str | tuple[str, str], Any] = {refs.ANSWER: answer}
    else:
        view = status_form_view(
            world.submission.id or 0,
            world.submission.receipt_number,
            world.submission.status,
            ["checking", "returned", "received", "withdrawn", "closed"],
        )
        state = {
            refs.STATUS_TO: rng.choice(["checking", "returned", "received", "withdrawn", "closed"]),
            refs.STATUS_REASON: rng.choice(["確認しました", "", rng.choice(ODD_STRINGS)]),
        }
    try:
        values = sr.state_values_for(view["blocks"], state)
    except (ValueError, KeyError):
        values = sr.state_values_for(view["blocks"])
    request = sr.view_submission(
        user_id=user,
        team_id=sr.TEAM_ID,
        view=view,
        state_values=values,
        trigger_id=world.fake.issue_trigger(user),
    )
    return sr.interactivity_request(_mutated(rng, request.data, world))


def _block_suggestion(rng: random.Random, world: World) -> sr.SlackRequest:
    user = rng.choice(ACTORS)
    request = sr.block_suggestion(
        user_id=user,
        team_id=sr.TEAM_ID,
        action_id=refs.ANSWER,
        block_id=world.forged_refs(rng),
        value=rng.choice(["総務", "0100", "", "法務文書課", *rng.sample(ODD_STRINGS, 2)]),
        channel_id=world.dm(user),
    )
    return sr.interactivity_request(_mutated(rng, request.data, world))


def _message_event(rng: random.Random, world: World) -> sr.SlackRequest:
    user = rng.choice(ACTORS)
    text = rng.choice(
        ["1", "3", "新潟 太郎", "法務文書課", "ヘルプ", "再開", *COMMAND_WORDS[:6], *ODD_STRINGS]
    )
    request = sr.im_message(user, world.dm(user), text)
    return sr.json_request(_mutated(rng, request.data, world))


def _home_opened(rng: random.Random, world: World) -> sr.SlackRequest:
    user = rng.choice(ACTORS)
    home = world.fake.home_view(user)
    kept = ("blocks", "private_metadata", "callback_id")
    view: dict[str, Any] | None = {key: home[key] for key in kept if key in home} if home else None
    request = sr.app_home_opened(user, tab=rng.choice(["home", "home", "messages"]), view=view)
    return sr.json_request(_mutated(rng, request.data, world))


# ----- mutations ----------------------------------------------------------------------------------


def _mutated(rng: random.Random, payload: Payload, world: World) -> Payload:
    """`payload` with none to three mutations (none: the request as Slack would send it)."""
    mutated = copy.deepcopy(payload)
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        paths = list(_paths(mutated))
        if not paths:
            break
        hot = [path for path in paths if any(str(step) in HOT for step in path)]
        path = rng.choice(hot if hot and rng.random() < 0.8 else paths)
        mutated = _mutate_at(rng, mutated, path, world)
    return mutated


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            if prefix[:1] != ("message",) or len(prefix) < 3:  # not deep into the echoed blocks
                yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:4]):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _mutate_at(rng: random.Random, payload: Payload, path: tuple[Any, ...], world: World) -> Any:
    parent: Any = payload
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    current = parent[last]
    choice = rng.random()
    if choice < 0.2 and isinstance(parent, dict):
        del parent[last]
    elif choice < 0.45:
        parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif choice < 0.6 and isinstance(current, str) and current.startswith(refs.ENCODING):
        parent[last] = world.forged_refs(rng)
    elif choice < 0.7 and isinstance(current, list):
        parent[last] = copy.deepcopy(current * 2) if rng.random() < 0.5 else []
    else:
        parent[last] = _odd_string(rng, world)
    return payload


def _odd_string(rng: random.Random, world: World) -> str:
    if rng.random() < 0.15:
        return world.forged_refs(rng)
    if rng.random() < 0.1:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 30)))
    return rng.choice(ODD_STRINGS)


# ----- what must hold afterwards ---------------------------------------------------------------------

ALLOWED_ERRORS = (
    "the database could not",
    "Slack refused a reply",
    "could not check an event for redelivery",
    "the department search failed",
)


def _tracebacks(records: list[logging.LogRecord]) -> list[str]:
    """Each traceback logged, as the exception and where in the bot it was raised (deduplicated).
    The fake Slack's own records are left out: it stands for Slack (it fails, as Slack would refuse,
    on a message holding a lone surrogate that a forged request made the bot echo)."""
    found = []
    for record in records:
        if record.name.startswith("sandbox."):
            continue
        if record.stack_info:
            found.append(f"{record.name}: {record.getMessage()[:200]} (stack)")
        if not record.exc_info or record.exc_info[1] is None:
            continue
        error = record.exc_info[1]
        frames = traceback.extract_tb(error.__traceback__)
        ours = [
            f for f in frames if "/bot/" in f.filename or "/flows/" in f.filename or "/storage/" in f.filename
        ]
        where = ours[-1] if ours else frames[-1] if frames else None
        at = f"{where.filename.split('/work/main/')[-1]}:{where.lineno}" if where else "?"
        found.append(f"{type(error).__name__} at {at}: {str(error)[:120]}")
    return sorted(set(found))


def _unexpected_errors(records: list[logging.LogRecord]) -> list[str]:
    unexpected = []
    for record in records:
        if record.levelno < logging.ERROR:
            continue
        message = record.getMessage()
        if record.name.startswith("sandbox."):
            continue
        ours = record.name.startswith("bot.") and record.name != "bot.bolt"
        if not ours or not message.startswith(ALLOWED_ERRORS):
            unexpected.append(f"{record.name}: {message[:300]}")
    return unexpected


def _assert_consistent(world: World) -> None:
    engine = world.bot.engine
    with Session(engine) as session:
        drafts = list(session.exec(select(Draft)).all())
        submissions = list(session.exec(select(Submission)).all())
    assert drafts and submissions
    departments = {d.code for d in storage.search_departments(engine, "", limit=100_000)}
    for draft in drafts:
        _assert_valid_answers(
            world.bot.catalog.for_version(draft.flow_version_id), draft.answers, departments
        )
    for submission in submissions:
        if submission.erased_at is not None:
            continue
        flow = world.bot.catalog.for_version(submission.flow_version_id)
        _assert_valid_answers(flow, submission.answers, departments)
        assert missing_answers(flow, submission.answers) == []


def _assert_valid_answers(flow: Flow, answers: dict[str, Any], departments: set[str]) -> None:
    kept, dropped = prune(flow, answers)
    assert dropped == [], f"answers off the path or breaking a constraint: {dropped}"
    earlier: dict[str, Any] = {}
    for question in flow.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        try:
            parsed = parse_answer(flow, question, value, answers=earlier)
        except InvalidAnswer as refused:
            raise AssertionError(f"{question.id}: {json.dumps(value)[:200]} is refused: {refused}") from None
        assert parsed == value, f"{question.id}: stored {value!r}, the flow makes it {parsed!r}"
        if question.type == "org" and isinstance(value, dict):
            assert value["code"] in departments
        earlier[question.id] = value
