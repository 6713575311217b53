"""The app factory: tests, the sandbox and production build the Bolt app the same way."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_bolt.middleware import IgnoringSelfEvents
from slack_sdk import WebClient
from sqlalchemy import Engine

import storage
from bot.admin_desk import AdminDesk
from bot.admin_post import AdminPosts
from bot.clock import Clock, utc_now
from bot.conversation import Answering, DraftAccess, Starting, Submitting
from bot.dm_learning import LearnDmChannels
from bot.flow_catalog import FlowCatalog
from bot.invitations import Invitations
from bot.listeners import UseCases, register_listeners
from bot.listeners.shape import RefuseUnroutable
from bot.logs import keep_answers_out_of_logs
from bot.outbox import OutboxDelivery, OutboxTimer
from bot.receipts import Receipts
from bot.redelivery import skip_redelivered_events
from bot.reminders.rules import ReminderRules
from bot.reminders.service import Reminders
from bot.rendering.conversation import superseded_message
from bot.replies import Posted
from bot.results_desk import ResultsDesk
from bot.retention_job import RetentionJob
from bot.settings import Settings
from bot.slack_client import make_outbox_client, make_web_client
from bot.slack_gateway import DmChannels, ResponseUrls, SlackGateway, response_url_origin
from bot.submission_desk import SubmissionDesk
from bot.submission_posts import SubmissionPosts

log = logging.getLogger(__name__)


@dataclass
class Kikitori:
    """Everything one bot process runs on."""

    app: App
    engine: Engine
    settings: Settings
    clock: Clock
    catalog: FlowCatalog
    gateway: SlackGateway  # for the listeners
    delivery: OutboxDelivery
    outbox_timer: OutboxTimer
    reminders: Reminders
    retention: RetentionJob
    use_cases: UseCases
    _scheduler: BackgroundScheduler | None = field(default=None, repr=False)

    @property
    def client(self) -> WebClient:
        return self.gateway.client

    def run_due_work(self) -> None:
        """Everything the timers do, at once (the sandbox's clock control, tests)."""
        self.sweep()
        self.deliver()

    def sweep(self) -> None:
        """The scheduled work: reminders, and once a day the retention purge."""
        self.reminders.sweep()
        self.retention.run_if_due()

    def deliver(self) -> None:
        """Send due outbox messages; forget Slack event ids too old to be redelivered."""
        self.delivery.deliver_due()
        storage.forget_old_events(self.engine, self.clock.now())

    def start_timers(self) -> None:
        """Per-process timers: the outbox (every OUTBOX_INTERVAL_SECONDS, and at once when nudged)
        and the reminder sweep (APScheduler as a local clock only: its in-memory job store is never
        shared between processes, which would double-fire; correctness comes from database claims)."""
        self.outbox_timer.start()
        if self._scheduler is None:
            self._scheduler = BackgroundScheduler(timezone="UTC")
            self._scheduler.add_job(
                self._sweep_safely,
                "interval",
                seconds=self.settings.reminder_interval_seconds,
                id="reminders",
                max_instances=1,
                coalesce=True,
            )
            self._scheduler.start()
        log.info(
            "timers started (outbox every %ss, reminders every %ss)",
            self.settings.outbox_interval_seconds,
            self.settings.reminder_interval_seconds,
        )

    def _sweep_safely(self) -> None:
        try:
            self.sweep()
        except Exception as error:  # the database may be down for a moment: the next sweep retries
            log.error("the scheduled sweep failed: %s", type(error).__name__)

    def stop_timers(self) -> None:
        self.outbox_timer.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    outbox_client: WebClient | None = None,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
) -> Kikitori:
    """`clock` is the source of the time (aware UTC); tests and the sandbox move it. `sleep` pauses
    the Web API clients between retries; tests pass one that moves their clock instead."""
    keep_answers_out_of_logs()  # whoever configured logging, and at whatever level
    engine = engine or storage.make_engine(settings.database_url)
    storage.upgrade(engine)  # the default SQLite database is created on first run
    the_clock = Clock(settings.timezone, clock)
    # Each person's DM, learnt from payloads or opened once, shared by every process.
    dm_channels = DmChannels(
        load=lambda user_id: storage.find_dm_channel(engine, user_id),
        save=lambda user_id, channel: storage.remember_dm_channel(
            engine, user_id, channel, now=the_clock.now()
        ),
    )

    def live_messages(draft_id: int, posted: Posted, question_id: str | None) -> Posted | None:
        # A message posted through a click's response_url has no ts that Slack told: unknown.
        replaced = storage.swap_live_message(engine, draft_id, posted.channel, posted.ts or None, question_id)
        if replaced is None:
            return None
        channel, ts, asked = replaced
        return Posted(channel, ts or "", live_of=draft_id, live_question=asked)

    gateway = SlackGateway(
        client or make_web_client(settings.slack_bot_token, settings.slack_api_url, sleep=sleep),
        dm_channels,
        live_messages=live_messages,
        superseded=superseded_message(),
        response_urls=ResponseUrls(response_url_origin(settings.slack_api_url)),
    )
    outbox_gateway = SlackGateway(
        outbox_client or make_outbox_client(settings.slack_bot_token, settings.slack_api_url, sleep=sleep),
        dm_channels,
    )
    catalog = FlowCatalog(engine, settings.flow_file)
    rules = ReminderRules(settings.reminder_policy(), settings.calendar())
    worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    reminders = Reminders(
        engine=engine,
        gateway=outbox_gateway,
        rules=rules,
        catalog=catalog,
        clock=the_clock,
        worker_id=worker_id,
        admin_channel=settings.admin_channel_id,
    )
    invitations = Invitations(
        engine=engine,
        settings=settings,
        catalog=catalog,
        clock=the_clock,
        gateway=outbox_gateway,
    )
    admin_posts = AdminPosts(
        engine=engine,
        flow_for_version=catalog.for_version,
        gateway=outbox_gateway,
        clock=the_clock,
        channel=settings.admin_channel_id,
    )
    receipts = Receipts(engine=engine, flow_for_version=catalog.for_version, gateway=outbox_gateway)
    submission_posts = SubmissionPosts(
        engine=engine, flow_for_version=catalog.for_version, gateway=outbox_gateway, clock=the_clock
    )
    delivery = OutboxDelivery(
        engine,
        {
            **receipts.senders(),
            **admin_posts.senders(),
            **submission_posts.senders(),
            **reminders.senders(),
            **invitations.senders(),
        },
        the_clock,
        worker_id,
        admin_channel_configured=bool(settings.admin_channel_id),
    )
    outbox_timer = OutboxTimer(delivery.deliver_due, settings.outbox_interval_seconds, delivery.resume_in)
    drafts = DraftAccess(
        engine=engine, catalog=catalog, clock=the_clock, rules=rules, real_name=gateway.real_name
    )
    use_cases = UseCases(
        starting=Starting(drafts, is_admin=settings.is_admin),
        answering=Answering(drafts),
        submitting=Submitting(drafts, nudge_outbox=outbox_timer.nudge),
        desk=AdminDesk(engine=engine, settings=settings, catalog=catalog, clock=the_clock),
        invitations=invitations,
        reminders=reminders,
        results=ResultsDesk(engine=engine, settings=settings, catalog=catalog, clock=the_clock),
        submissions=SubmissionDesk(drafts, is_admin=settings.is_admin, nudge_outbox=outbox_timer.nudge),
        gateway=gateway,
    )
    app = App(
        client=gateway.client,  # carries the token and SLACK_API_URL
        signing_secret=settings.slack_signing_secret or "",
        # Socket Mode needs no signing secret. HTTP requests are verified by bot/wsgi.py before
        # anything parses them; Bolt's own check would log a refused request's body (answers).
        request_verification_enabled=False,
        # Bolt's filter of the bot's own events reads `event` as an object and raises on any other
        # shape: it runs below, after the shape check, instead of before everything.
        ignoring_self_events_enabled=False,
        # Every listener acks in the request thread before any work (listeners/acking.py); the
        # work runs in a pool of its own size.
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="kikitori-listener"
        ),
        logger=logging.getLogger("bot.bolt"),
    )
    app.use(RefuseUnroutable())  # before anything reads the payload as Slack shapes it
    app.use(IgnoringSelfEvents(base_logger=logging.getLogger("bot.bolt")))
    app.use(LearnDmChannels(dm_channels))
    app.use(skip_redelivered_events(engine, the_clock.now))
    register_listeners(app, use_cases)
    return Kikitori(
        app=app,
        engine=engine,
        settings=settings,
        clock=the_clock,
        catalog=catalog,
        gateway=gateway,
        delivery=delivery,
        outbox_timer=outbox_timer,
        reminders=reminders,
        retention=RetentionJob(
            engine=engine,
            periods=settings.retention,
            clock=the_clock,
            worker_id=worker_id,
            nudge_outbox=outbox_timer.nudge,
        ),
        use_cases=use_cases,
    )
