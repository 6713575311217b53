"""The Slack bot (listeners, conversation, Block Kit). Built on `flows` and `storage`."""
