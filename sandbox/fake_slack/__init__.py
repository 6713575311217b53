"""A fake Slack Web API on loopback, faithful enough for the real slack_sdk WebClient.

    with FakeSlack(users={"U123": "Sato Hanako"}) as fake:
        client = WebClient(token=fake.token, base_url=fake.base_url)
        client.chat_postMessage(channel="U123", text="hi")
        assert fake.messages("U123")[0]["text"] == "hi"

It never calls the real Slack and never writes to disk.
"""

from sandbox.fake_slack.server import FakeSlack
from sandbox.fake_slack.state import ApiError, Workspace

__all__ = ["ApiError", "FakeSlack", "Workspace"]
