"""The local sandbox: with no Slack settings, the real bot runs against a fake Slack, and a Slack-like page
on http://127.0.0.1:3000 lets a few local people answer the survey and administrators see the summary.

    from sandbox import run_sandbox
    raise SystemExit(run_sandbox(settings))      # blocking, until Ctrl-C
"""

from sandbox.clock import SandboxClock
from sandbox.runner import Sandbox, run_sandbox

__all__ = ["Sandbox", "SandboxClock", "run_sandbox"]
