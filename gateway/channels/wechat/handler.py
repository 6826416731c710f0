"""The one handler behind both WeChat channels: turns an inbound message or event into the answer's text
parts (through `handle_turn`, like every channel), and decides how they reach the citizen — in the passive
reply within the deadline, or through the customer-service API when late, long, or on the mini-program."""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

from gateway.channels.chat_service import UNAVAILABLE, ChatUnavailable, RateLimited, handle_turn
from gateway.channels.messages import plain_text
from gateway.channels.sender_ids import server_sender
from gateway.channels.wechat import menu
from gateway.channels.wechat.accounts import Account
from gateway.channels.wechat.api import WeChatApi, WeChatApiError
from gateway.channels.wechat.inbound import Inbound
from gateway.channels.wechat.ledger import NOTHING, PUSHED, REPLIED, ReplyLedger
from gateway.channels.wechat.split import PASSIVE_REPLY_LIMIT, split_utf8
from gateway.channels.welcome import welcome_messages
from gateway.channels.wording import channel_text
from gateway.kv import KVError
from gateway.resources import Resources

logger = logging.getLogger(__name__)

CHOOSE_HINT = "utter_wechat_choose_hint"  # responses of bot/domain/channels.yml
TRUNCATED_NOTE = "utter_wechat_truncated"
VOICE_UNCLEAR = "utter_wechat_voice_unclear"
UNSUPPORTED = "utter_wechat_unsupported"
TOO_LONG = "utter_wechat_too_long"
CHOICES_SECONDS = 1800.0
ELDER_SECONDS = 90 * 24 * 3600.0


@dataclass
class Reply:
    content: Optional[str]  # the passive reply's text; None → plain `success`
    later: List[str] = field(default_factory=list)  # parts for the customer-service API, after the response


class WeChatHandler:
    def __init__(self, res: Resources, account: Account, api: Optional[WeChatApi]) -> None:
        self.res = res
        self.account = account
        self.api = api  # None when no AppSecret is configured: no customer-service messages
        self.ledger = ReplyLedger(res.kv, f"{account.channel}:{account.appid}")
        self._tasks: Set[asyncio.Task] = set()

    def _text(self, response: str) -> str:
        """A response of the channel (bot/domain/channels.yml) with the profile's values."""
        return channel_text(response, self.res.store)

    # ---- delivery ---------------------------------------------------------------------------------

    @property
    def deadline(self) -> float:
        return self.res.settings.wechat_reply_deadline_seconds

    def _count(self, path: str) -> None:
        if self.res.metrics:
            self.res.metrics.wechat_replies.labels(self.account.channel, path).inc()

    async def respond(self, msg: Inbound) -> Reply:
        key = msg.dedupe_key
        if not await self.ledger.claim(key):
            if self.res.metrics:
                self.res.metrics.wechat_duplicates.labels(self.account.channel).inc()
            # Without the customer-service API a retry must wait for the answer: it is the only way out.
            wait = self.deadline if self.api else self.res.settings.rasa_timeout_seconds + 2
            outcome = await self.ledger.outcome(key, wait)
            if outcome and outcome.get("state") == REPLIED:
                return Reply(outcome.get("content"))
            return Reply(None)
        task = asyncio.create_task(self.answer(msg))
        if not self.account.passive_answers:
            await self.ledger.record(key, PUSHED)
            self._track(self._push_when_done(msg.from_user, task))
            return Reply(None)
        try:
            if self.api is None:
                parts = await task
            else:
                parts = await asyncio.wait_for(asyncio.shield(task), timeout=self.deadline)
        except asyncio.TimeoutError:
            await self.ledger.record(key, PUSHED)
            self._track(self._push_when_done(msg.from_user, task))
            return Reply(None)
        if not parts:
            await self.ledger.record(key, NOTHING)
            self._count("none")
            return Reply(None)
        await self.ledger.record(key, REPLIED, parts[0])
        self._count("passive")
        return Reply(parts[0], parts[1:])

    def _track(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _push_when_done(self, openid: str, task: "asyncio.Task[List[str]]") -> None:
        try:
            parts = await task
        except Exception:  # answer() already turns every known failure into text; this is a bug
            logger.exception("wechat answer failed")
            parts = [self._text(UNAVAILABLE)]
        await self.push(openid, parts)

    async def push(self, openid: str, parts: List[str]) -> None:
        """Sends the parts in order through the customer-service API; stops at the first failure."""
        if not parts:
            self._count("none")
            return
        if self.api is None:
            logger.error(
                "answer is late but no AppSecret is configured: it cannot be sent",
                extra={"fields": {"event": "wechat_push_failed", "channel": self.account.channel}},
            )
            self._error("no_customer_service")
            return
        for part in parts:
            try:
                await self.api.send_text(openid, part)
            except WeChatApiError as exc:
                logger.error(
                    "customer-service message failed: %s",
                    exc,
                    extra={
                        "fields": {
                            "event": "wechat_push_failed",
                            "channel": self.account.channel,
                            "errcode": exc.errcode,
                        }
                    },
                )
                self._error("customer_service_failed")
                return
            self._count("customer_service")

    def _error(self, kind: str) -> None:
        if self.res.metrics:
            self.res.metrics.errors.labels(self.account.channel, kind).inc()

    async def drain(self, timeout: float = 10.0) -> None:
        """Lets late answers still being pushed finish (at shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    # ---- understanding ----------------------------------------------------------------------------

    def sender_id(self, openid: str) -> str:
        return server_sender(self.account.channel, openid)

    async def answer(self, msg: Inbound) -> List[str]:
        """The answer's text parts, each within the passive-reply limit; [] when nothing is to be said."""
        sender = self.sender_id(msg.from_user)
        try:
            if msg.msg_type == "event":
                return await self._event(msg, sender)
            if msg.msg_type == "text":
                return await self._ask(sender, msg.content.strip())
            if msg.msg_type == "voice":
                text = msg.recognition.strip()
                return await self._ask(sender, text) if text else [self._text(VOICE_UNCLEAR)]
            return [self._text(UNSUPPORTED)]
        except Exception:
            logger.exception("wechat message could not be answered")
            self._error("internal")
            return [self._text(UNAVAILABLE)]

    async def _event(self, msg: Inbound, sender: str) -> List[str]:
        event = msg.event.lower()
        if event in ("subscribe", "user_enter_tempsession"):
            return await self._welcome(sender)
        if event == "click":
            item = menu.find(msg.event_key)
            if item is None:
                return [self._text(menu.UNKNOWN_KEY)]
            if item.key == menu.ELDER_KEY:
                return [await self._toggle_elder(sender)]
            if item.key == menu.HELP_KEY:
                return [self._text(menu.HELP_TEXT)]
            return await self._ask(sender, item.question or item.title)
        return []  # unsubscribe, VIEW, LOCATION, SCAN, template results …: nothing to say

    async def _welcome(self, sender: str) -> List[str]:
        messages = welcome_messages(self.res.store)
        await self._remember_choices(sender, messages)
        text = plain_text(messages)
        if any(m.get("buttons") for m in messages):
            text += "\n" + self._text(CHOOSE_HINT)
        if self.account.channel == "wechat":
            text += "\n\n" + menu.menu_text()
        return self._split(text)

    async def _ask(self, sender: str, text: str) -> List[str]:
        if not text:
            return [self._text(menu.HELP_TEXT)]
        limit = self.res.settings.chat_max_chars
        if len(text) > limit:
            return [channel_text(TOO_LONG, self.res.store, limit=limit)]
        trusted = False
        choice = await self._choice(sender, text)
        if choice is not None:
            text, trusted = choice, choice.startswith("/")
        try:
            reply = await handle_turn(
                self.res,
                sender,
                text,
                channel=self.account.channel,
                elder_mode=await self._elder(sender),
                allow_payloads=False,
                trusted_payload=trusted,
            )
        except (RateLimited, ChatUnavailable) as exc:
            return [str(exc)]
        messages = reply["messages"]
        await self._remember_choices(sender, messages)
        text = plain_text(messages)
        if any(m.get("buttons") for m in messages):
            text += "\n" + self._text(CHOOSE_HINT)
        return self._split(text)

    def _split(self, text: str) -> List[str]:
        if self.api is not None or len(text.encode("utf-8")) <= PASSIVE_REPLY_LIMIT:
            return split_utf8(text, PASSIVE_REPLY_LIMIT)
        # No customer-service API: only one passive reply can be sent, so say that it was cut.
        note = "\n" + self._text(TRUNCATED_NOTE)
        room = PASSIVE_REPLY_LIMIT - len(note.encode("utf-8"))
        return [split_utf8(text, room)[0] + note]

    # ---- per-citizen state (numbered choices, 长辈模式) ------------------------------------------------

    async def _remember_choices(self, sender: str, messages: List[Dict]) -> None:
        """Numbered choices of the last message with buttons, so that replying "2" picks the second."""
        buttons = next((m["buttons"] for m in reversed(messages) if m.get("buttons")), None)
        key = f"wechat:choices:{sender}"
        try:
            if buttons:
                await self.res.kv.set(
                    key,
                    json.dumps([b.get("payload") or b.get("title") for b in buttons], ensure_ascii=False),
                    CHOICES_SECONDS,
                )
            else:
                await self.res.kv.delete(key)
        except (KVError, OSError) as exc:
            logger.warning("choices not stored: %s", exc)

    async def _choice(self, sender: str, text: str) -> Optional[str]:
        number = unicodedata.normalize("NFKC", text).strip().rstrip(".、")
        if not number.isdigit() or len(number) > 2:
            return None
        try:
            raw = await self.res.kv.get(f"wechat:choices:{sender}")
        except (KVError, OSError):
            return None
        choices = json.loads(raw) if raw else []
        index = int(number) - 1
        return choices[index] if 0 <= index < len(choices) else None

    async def _elder(self, sender: str) -> bool:
        try:
            return await self.res.kv.get(f"wechat:elder:{sender}") == "1"
        except (KVError, OSError):
            return False

    async def _toggle_elder(self, sender: str) -> str:
        key = f"wechat:elder:{sender}"
        on = not await self._elder(sender)
        try:
            if on:
                await self.res.kv.set(key, "1", ELDER_SECONDS)
            else:
                await self.res.kv.delete(key)
        except (KVError, OSError):
            return self._text(UNAVAILABLE)
        return self._text(menu.ELDER_ON if on else menu.ELDER_OFF)
