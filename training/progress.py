"""Progress lines on stderr for steps that take more than a moment (stdout stays machine-readable)."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager


class Progress:
    def __init__(self, *, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.started:6.1f}s] {message}", file=self.stream, flush=True)

    @contextmanager
    def step(self, what: str):
        self.say(f"{what} ...")
        t = time.perf_counter()
        yield
        self.say(f"{what}: done in {time.perf_counter() - t:.1f}s")
