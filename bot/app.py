"""The app factory: tests, the sandbox and production build the Bolt app the same way."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

import storage
from bot.admin_desk import AdminDesk
from bot.conversation import Conversation
from bot.delivery import OutboxDelivery
from bot.direct_messages import DirectMessages
from bot.flow_catalog import FlowCatalog
from bot.listeners import register_listeners
from bot.redelivery import skip_redelivered_events
from bot.reminders.service import Reminders
from bot.settings import Settings
from bot.slack_client import make_web_client

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Kikitori:
    """Everything one bot process runs on."""

    app: App
    conversation: Conversation
    delivery: OutboxDelivery
    reminders: Reminders
    engine: Engine
    client: WebClient
    settings: Settings
    clock: Callable[[], datetime]

    def run_due_work(self) -> None:
        """Everything the timers do, at once (the sandbox's clock control, tests)."""
        self.reminders.sweep()
        self.deliver()

    def deliver(self) -> None:
        """Send due outbox messages; forget Slack event ids too old to be redelivered."""
        self.delivery.deliver_due()
        storage.forget_old_events(self.engine, self.clock())


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Kikitori:
    engine = engine or storage.make_engine(settings.database_url)
    storage.upgrade(engine)  # the default SQLite database is created on first run
    client = client or make_web_client(settings.slack_bot_token, settings.slack_api_url)
    catalog = FlowCatalog(engine, settings.flow_file)
    dm = DirectMessages(client)  # one cache of DM channels for everything that writes to people
    worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    reminders = Reminders(
        engine=engine,
        client=client,
        settings=settings,
        catalog=catalog,
        clock=clock,
        worker_id=worker_id,
        dm=dm,
    )
    delivery = OutboxDelivery(
        engine,
        client,
        settings,
        catalog.for_version,
        clock,
        worker_id=worker_id,
        senders=reminders.senders(),
    )
    conversation = Conversation(
        engine=engine,
        client=client,
        settings=settings,
        catalog=catalog,
        clock=clock,
        dm=dm,
        after_submit=delivery.deliver_due,  # the admin post goes out at once; the timer retries
    )
    app = App(
        client=client,  # carries the token and SLACK_API_URL
        signing_secret=settings.slack_signing_secret or "",
        # Socket Mode needs no signing secret; HTTP mode always verifies signatures.
        request_verification_enabled=bool(settings.slack_signing_secret),
        logger=logging.getLogger("bot.bolt"),
    )
    app.use(skip_redelivered_events(engine, clock))
    desk = AdminDesk(
        engine=engine, client=client, settings=settings, catalog=catalog, reminders=reminders, dm=dm
    )
    register_listeners(app, conversation, desk, reminders)
    return Kikitori(
        app=app,
        conversation=conversation,
        delivery=delivery,
        reminders=reminders,
        engine=engine,
        client=client,
        settings=settings,
        clock=clock,
    )
