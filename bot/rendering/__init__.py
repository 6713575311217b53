"""Rendering: Block Kit from plain values (flows' models, numbers, dates), never database rows.

Texts come from bot.texts; every message stays inside Slack's limits (tests render the whole
shipped survey and check them).
"""
