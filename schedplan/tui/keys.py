"""Keys handled one at a time, in the order typed: a key reaches the focus only once the key before it is done."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from textual import events, log
from textual.app import App
from textual.dom import DOMNode
from textual.message_pump import MessagePump

# A key not done after this long (its widget closed under it, say) lets the next keys go rather than hold them.
STUCK_S = 2.0

# Why: Textual forwards each key to the widget focused when the app reads it, and runs a key's binding (Tab,
# Enter, Backspace in a field, the app's own keys) only after the key has bubbled up to the app through every
# ancestor's queue. Keys typed while the app is busy are read in a burst: the next key is forwarded before the
# one before it has moved the focus or deleted its character - a digit lands in the field just left, a backspace
# deletes the digit typed after it (textual issue 6605).
ORDERED = (events.Key, events.MouseDown, events.MouseUp)


class KeysInOrder(App[None]):
    """Mixed into the app: hold the keys (and clicks) read while a key is on its way; send the next when it is done."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key_on_way: events.Key | None = None
        self._key_moved = 0.0  # when the key on its way last moved (monotonic seconds)
        self._held: deque[events.Event] = deque()
        self._after_keys: list[Callable[[], object]] = []

    def keys_pending(self) -> bool:
        """Whether a key typed is not yet handled (on its way, or waiting its turn)."""
        return self._key_on_way is not None or bool(self._held)

    def after_keys(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once, when every key typed so far is handled (now, if none is pending)."""
        if not self.keys_pending():
            callback()
        elif callback not in self._after_keys:
            self._after_keys.append(callback)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ORDERED) and not event.is_forwarded:
            if self.keys_pending():
                self._held.append(event)
                return
            await self._send(event)
            if not self.keys_pending():
                self._settled()
            return
        await super().on_event(event)

    async def _send(self, event: events.Event) -> None:
        """Handle one key or click as Textual does; follow a key forwarded to the focus until it is done."""
        await super().on_event(event)
        if not isinstance(event, events.Key):
            return  # a click moves the focus at once
        self._key_on_way = event
        self._key_moved = time.monotonic()
        self.set_timer(STUCK_S, lambda: self.call_later(self._check_stuck, event))
        if not event.is_forwarded:  # taken by a priority binding (F2 ...): done when what its action queued is done
            self.call_later(self._done, event, False)
            return
        # A probe follows the key up the same queues it bubbles through (focus, ancestors, screen, app): when the
        # probe runs in a queue the key was handled there before it, so when it runs in the app's the key is done.
        self._probe(event, (self.focused or self.screen).ancestors_with_self, 0)

    def _probe(self, key: events.Key, chain: list[DOMNode], at: int) -> None:
        if key is not self._key_on_way:
            return
        self._key_moved = time.monotonic()
        while at < len(chain):
            node = chain[at]
            if node is self:
                self.call_later(self._done, key)
                return
            if isinstance(node, MessagePump) and node.call_later(self._probe, key, chain, at + 1):
                return
            at += 1  # closed (removed with its screen, say): the key did not go on from there either
        self.call_later(self._done, key)

    async def _done(self, key: events.Key, again: bool = True) -> None:
        if key is not self._key_on_way:
            return
        if again:  # once more round the app's queue: what the key asked of the app (a focus() call) is done first
            self.call_later(self._done, key, False)
            return
        self._key_on_way = None
        while self._held and self._key_on_way is None:
            await self._send(self._held.popleft())
        if not self.keys_pending():
            self._settled()

    async def _check_stuck(self, key: events.Key) -> None:
        if key is not self._key_on_way:
            return
        waited = time.monotonic() - self._key_moved
        if waited < STUCK_S:
            self.set_timer(STUCK_S - waited, lambda: self.call_later(self._check_stuck, key))
            return
        log.warning(f"key {key.key!r} not done after {waited:.1f} s; sending the next")
        await self._done(key)

    def _settled(self) -> None:
        waiting, self._after_keys = self._after_keys, []
        for callback in waiting:
            callback()
