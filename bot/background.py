"""Per-process timers. APScheduler is only a local clock here: its in-memory job store is never
shared between processes (that double-fires); correctness comes from claims in the database."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.app import Kikitori

log = logging.getLogger(__name__)


def start_background_jobs(bot: Kikitori) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        bot.deliver,
        "interval",
        seconds=bot.settings.outbox_interval_seconds,
        id="outbox",
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        bot.reminders.sweep,
        "interval",
        seconds=bot.settings.reminder_interval_seconds,
        id="reminders",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    log.info(
        "background jobs started (outbox every %ss, reminders every %ss)",
        bot.settings.outbox_interval_seconds,
        bot.settings.reminder_interval_seconds,
    )
    return scheduler
