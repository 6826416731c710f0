"""A circuit breaker: after several consecutive failures stop calling for a while, then let one trial
call through; its success closes the circuit again."""

from __future__ import annotations

import threading
import time
from typing import Callable


class CircuitOpen(RuntimeError):
    pass


class CircuitBreaker:
    def __init__(
        self, failure_threshold: int = 5, reset_after_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at = None
        self._trial_running = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.reset_after:
            return "half-open"
        return "open"

    def before_call(self) -> None:
        """Raises CircuitOpen when calls must not go out now."""
        with self._lock:
            state = self._state()
            if state == "open" or (state == "half-open" and self._trial_running):
                raise CircuitOpen("平台办事接口暂时不可用")
            if state == "half-open":
                self._trial_running = True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
            self._trial_running = False
