"""Drive the real Bolt app over real HTTP, as Slack would, with a fake Slack Web API on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from socketserver import ThreadingMixIn
from typing import Any, TypeVar
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from sqlalchemy import Engine

import storage
from bot import refs
from bot.app import Kikitori, create_app
from bot.settings import Settings
from bot.wsgi import wsgi_application
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from storage.departments import import_departments_csv

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-fake-token"
ADMIN_CHANNEL = "C0ADMIN001"
RESPONDENT = "U0RESPOND1"
OTHER = "U0RESPOND2"
ADMIN = "U0ADMIN001"

T = TypeVar("T")


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 1, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        """What the bot's Web API clients pause between retries: time on this clock, not real time."""
        self.now += timedelta(seconds=seconds)


@contextmanager
def serve(bot: Kikitori) -> Iterator[str]:
    """The bot's HTTP endpoint on a free loopback port."""
    handler = wsgi_application(bot.app, bot.settings.slack_signing_secret or "")
    server = make_server("127.0.0.1", 0, handler, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def wait_until_found(fake: FakeSlack, found: Callable[[], T | None], *, timeout: float = 5.0) -> T:
    """fake.wait_for(found), typed without the None it never returns (it waits for a truthy result)."""
    result = fake.wait_for(found, timeout=timeout)
    assert result is not None
    return result


def fake_workspace() -> FakeSlack:
    fake = FakeSlack(token=BOT_TOKEN, team_id=sr.TEAM_ID, bot_user_id=sr.BOT_USER_ID)
    fake.add_user(RESPONDENT, "新潟 太郎")
    fake.add_user(OTHER, "長岡 花子")
    fake.add_user(ADMIN, "上越 管理者")
    fake.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=True, is_member=True)
    return fake


def settings_for(fake: FakeSlack) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.base_url,
        admin_channel_id=ADMIN_CHANNEL,
        admin_user_ids=frozenset({ADMIN}),
        outbox_interval_seconds=3600,  # the outbox timer runs when nudged (送信) or when a test says
    )


def build_bot(engine: Engine, fake: FakeSlack, clock: Clock) -> Kikitori:
    return create_app(settings_for(fake), engine=engine, clock=clock, sleep=clock.sleep)


def load_sample_departments(engine: Engine) -> None:
    from pathlib import Path

    import_departments_csv(engine, Path(storage.__file__).parent / "departments_sample.csv")


class Person:
    """One Slack user clicking and typing in their DM with the bot."""

    def __init__(self, user_id: str, fake: FakeSlack, sender: sr.SlackSender) -> None:
        self.user_id = user_id
        self.fake = fake
        self.sender = sender

    @property
    def dm(self) -> str:
        return self.fake.dm_channel(self.user_id)

    def messages(self) -> list[dict[str, Any]]:
        return self.fake.messages(self.dm)

    def command(self, text: str = "") -> sr.Response:
        request = sr.slash_command(user_id=self.user_id, team_id=sr.TEAM_ID, channel_id=self.dm, text=text)
        return self.sender.send(request)

    def command_reply(self, text: str) -> str:
        """A command whose reply comes as a DM from the bot (it acknowledges at once): that reply."""
        before = len(self.messages())
        assert self.command(text).status == 200
        return str(self.wait_for_message(lambda message: True, after=before)["text"])

    def wait_for_message(
        self, predicate: Callable[[dict[str, Any]], bool], *, after: int = 0
    ) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((m for m in self.messages()[after:] if predicate(m)), None)

        return wait_until_found(self.fake, found)

    def question(self, question_id: str, *, after: int = 0) -> dict[str, Any]:
        """The latest message asking this question."""

        def asking() -> dict[str, Any] | None:
            asking = [m for m in self.messages()[after:] if _asks(m, question_id)]
            return asking[-1] if asking else None

        return wait_until_found(self.fake, asking)

    def act(
        self,
        message: dict[str, Any],
        action_id: str,
        value: Any = None,
        *,
        state: Mapping[str | tuple[str, str], Any] | None = None,
        user_id: str | None = None,
        retry_num: int | None = None,
    ) -> sr.Response:
        blocks = message["blocks"]
        block_id, element = sr.find_element(blocks, lambda el: el.get("action_id") == action_id)
        action = sr.action_for(block_id, element, value)
        state_values = sr.state_values_for(blocks, state) if state is not None else None
        channel = message.get("channel", self.dm)
        request = sr.block_actions(
            user_id=user_id or self.user_id,
            team_id=sr.TEAM_ID,
            channel_id=channel,
            message_ts=message["ts"],
            message_blocks=blocks,
            action=action,
            state_values=state_values,
            trigger_id=self.fake.issue_trigger(user_id or self.user_id),
            # As Slack hands one out with every click: the bot replaces the message through it.
            response_url=self.fake.response_url(channel, user_id or self.user_id, message["ts"]),
        )
        response = self.sender.send(request, retry_num=retry_num)
        assert response.status == 200, response.text
        return response


def start_and_answer_org(person: Person) -> dict[str, Any]:
    """/survey, then the first question (所属) answered; returns the second question's message."""
    assert person.command("").status == 200
    org = {
        "text": {"type": "plain_text", "text": "010020 総務部 法務文書課", "emoji": True},
        "value": "010020",
    }
    person.act(person.question("org"), refs.ANSWER, org)
    return person.question("respondent_name")


def _asks(message: dict[str, Any], question_id: str) -> bool:
    return any(
        (block.get("block_id") or "").endswith(f"|{question_id}|input")
        for block in message.get("blocks") or []
    )


def is_prompt(message: dict[str, Any]) -> bool:
    """A message waiting for the person: a question with its input, or the review."""
    return any(
        (block.get("block_id") or "").endswith(("|input", "|review_actions"))
        for block in message.get("blocks") or []
    )


def question_id_of(message: dict[str, Any]) -> str | None:
    for block in message.get("blocks") or []:
        block_id = block.get("block_id") or ""
        if block_id.endswith("|input"):
            return block_id.split("|")[3]
    return None


def answer_with(person: Person, message: dict[str, Any], question_type: str, raw: Any) -> None:
    """Answer the question in `message` the way a person would with its element."""
    from bot import refs

    match question_type:
        case "single" | "date" | "time":
            person.act(message, refs.ANSWER, raw)
        case "multi":
            person.act(message, refs.NEXT, state={refs.TOGGLE: raw})
        case "integer" | "text":
            person.act(message, refs.NEXT, state={refs.ANSWER: str(raw)})
        case "org":
            label = f"{raw['code']} {raw['name']}"
            person.act(
                message,
                refs.ANSWER,
                {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": raw["code"]},
            )
        case "long_text":
            person.act(message, refs.OPEN_LONG_TEXT)

            def top_view() -> dict[str, Any] | None:
                views = person.fake.open_views(person.user_id)
                return views[-1] if views else None

            view = wait_until_found(person.fake, top_view)
            request = sr.view_submission(
                user_id=person.user_id,
                team_id=sr.TEAM_ID,
                view=view,
                state_values=sr.state_values_for(view["blocks"], {refs.ANSWER: raw}),
            )
            response = person.sender.send(request)
            assert response.status == 200, response.text
            person.fake.close_views(person.user_id)


def complete_survey(
    person: Person, flow: Any, plan: dict[str, Any], *, max_steps: int = 80
) -> dict[str, Any]:
    """Answer every question the bot asks from `plan` until the review appears; returns the review."""
    handled: set[str] = set()
    for _ in range(max_steps):

        def next_prompt() -> dict[str, Any] | None:
            prompts = [m for m in person.messages() if is_prompt(m) and m["ts"] not in handled]
            return prompts[-1] if prompts else None

        message = wait_until_found(person.fake, next_prompt)
        question_id = question_id_of(message)
        if question_id is None:
            return message
        handled.add(message["ts"])
        answer_with(person, message, flow.by_id[question_id].type, plan[question_id])
    raise AssertionError("the review never came")
