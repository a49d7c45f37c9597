"""Ctrl-C for a child process, whatever the suite was started from.

A shell starts a background job (`make test &`, a CI runner's job) with SIGINT ignored, and
children inherit an ignored signal: a Python child then never turns Ctrl-C into
KeyboardInterrupt. Tests that press Ctrl-C give their child the disposition a terminal's
foreground command has, so what they prove does not depend on how the suite was started.
"""

from __future__ import annotations

import signal


def sigint_as_at_a_terminal() -> None:
    """Run in the child before it executes the command (`preexec_fn`, or after a fork)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
