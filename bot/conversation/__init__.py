"""The respondent's conversation, split by job: starting and stopping, answering, submitting.

Each use case loads what it needs, asks the engine, saves, and returns the replies to show
(bot.replies); the listeners hand those to the Slack gateway.
"""

from bot.conversation.access import Actor, DraftAccess
from bot.conversation.answering import Answering
from bot.conversation.starting import Starting
from bot.conversation.submitting import Submitting

__all__ = ["Actor", "Answering", "DraftAccess", "Starting", "Submitting"]
