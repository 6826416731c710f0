"""Two Rasa servers and two gateways (separate `python -m launcher` processes, gateway i → Rasa server i,
one action server, one reference API) on one Redis: conversations whose turns go through both gateways
alternately — some of them sent at the same moment — lose no turn and keep the order they were sent in,
as Rasa's tracker API shows afterwards. Concurrent turns of one conversation are each stored exactly once
and processed one after the other (the Redis lock store), each followed by the bot's reply."""

from __future__ import annotations

import asyncio
import collections
import random
from typing import Dict, List

import httpx
import pytest

from devtools.support.cluster import SCALE_REDIS_DB, Cluster, flush_redis
from devtools.support.conversations import conversation
from devtools.support.services import rasa_api_params, suite_redis_url
from tests.conftest import needs

pytestmark = [pytest.mark.stack, pytest.mark.redis, pytest.mark.processes]

CONVERSATIONS = 20
BURST = 3  # turns of one conversation sent at the same moment, through both gateways


@pytest.fixture(scope="module")
@needs("stack", "processes", "redis")
def cluster(tmp_path_factory):
    redis_url = suite_redis_url(SCALE_REDIS_DB)
    flush_redis(redis_url)
    cluster = Cluster(tmp_path_factory.mktemp("scale"), workers=2, redis_url=redis_url).start()
    yield cluster
    codes = cluster.stop()
    assert all(code in (0, -15) for code in codes.values()), codes


class Plan:
    """One conversation: a first turn, a burst of BURST turns sent together, then the rest one by one."""

    def __init__(self, index: int, turns: List[str]) -> None:
        self.sender = f"scale-{index:02d}-{random.getrandbits(32):08x}"
        self.first, self.burst, self.rest = turns[:1], turns[1 : 1 + BURST], turns[1 + BURST :]
        self.turns = turns
        self.replies: Dict[str, httpx.Response] = {}


async def drive(cluster: Cluster, plan: Plan, client: httpx.AsyncClient, offset: int) -> None:
    sent = 0

    async def send(text: str, gateway: int) -> None:
        url = cluster.gateways[gateway % len(cluster.gateways)] + "/api/chat"
        plan.replies[text] = await client.post(url, json={"sender_id": plan.sender, "text": text})

    for text in plan.first:
        await send(text, offset + sent)
        sent += 1
    await asyncio.gather(*(send(text, offset + sent + i) for i, text in enumerate(plan.burst)))
    sent += len(plan.burst)
    for text in plan.rest:
        await send(text, offset + sent)
        sent += 1


async def drive_all(cluster: Cluster, plans: List[Plan]) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        await asyncio.gather(*(drive(cluster, plan, client, offset=i) for i, plan in enumerate(plans)))


def tracker_events(rasa_url: str, sender: str) -> List[dict]:
    response = httpx.get(
        f"{rasa_url}/conversations/{sender}/tracker", params=rasa_api_params(include_events="ALL"), timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["events"]


def turn_segments(events: List[dict]) -> List[List[dict]]:
    """The events from each user message up to (not including) the next one."""
    segments: List[List[dict]] = []
    for event in events:
        if event["event"] == "user":
            segments.append([event])
        elif segments:
            segments[-1].append(event)
    return segments


def test_no_turn_is_lost_or_reordered_across_two_rasa_servers_and_two_gateways(cluster):
    rng = random.Random(20261123)
    plans = []
    while len(plans) < CONVERSATIONS:
        turns = conversation(rng)
        if len(turns) > BURST + 1:  # a first turn, the burst, and at least one turn after it
            plans.append(Plan(len(plans), turns))
    asyncio.run(drive_all(cluster, plans))

    problems = []
    for plan in plans:
        problems.extend(check(cluster, plan))
    assert not problems, "\n".join(problems)


def check(cluster: Cluster, plan: Plan) -> List[str]:
    """What is wrong with one conversation, as readable lines; [] when nothing is."""
    who = plan.sender
    for text in plan.turns:
        reply = plan.replies[text]
        if reply.status_code != 200 or not reply.json()["messages"]:
            return [f"{who}: {text!r} answered {reply.status_code} {reply.text[:200]}"]
    # Both Rasa servers read the conversation from the one Redis tracker store.
    events = tracker_events(cluster.rasa[0], who)
    if events != tracker_events(cluster.rasa[1], who):
        return [f"{who}: the two Rasa servers see different trackers"]
    problems = []
    said = [e["text"] for e in events if e["event"] == "user"]
    if collections.Counter(said) != collections.Counter(plan.turns):
        problems.append(f"{who}: turns lost or repeated: sent {plan.turns}, stored {said}")
    elif said[:1] != plan.first or sorted(said[1 : 1 + BURST]) != sorted(plan.burst) or said[1 + BURST :] != plan.rest:
        problems.append(f"{who}: turns reordered: sent {plan.first} {plan.burst} {plan.rest}, stored {said}")
    # Serialised: each user message is answered and its turn ends (action_listen) before the next one
    # starts, so the events of one turn are contiguous and in time order.
    for segment in turn_segments(events):
        kinds = [e["event"] for e in segment]
        actions = [e["name"] for e in segment if e["event"] == "action"]
        if "bot" not in kinds or not actions or actions[-1] != "action_listen":
            problems.append(f"{who}: turn {segment[0]['text']!r} not answered and closed: {kinds} {actions}")
    # Each reply names the intent of its own message, not of a turn processed next to it.
    for event in events:
        if event["event"] == "user" and event["text"] in plan.replies:
            replied = plan.replies[event["text"]].json()["intent"]["name"]
            if replied != event["parse_data"]["intent"]["name"]:
                problems.append(
                    f"{who}: reply to {event['text']!r} names intent {replied}, "
                    f"the message was {event['parse_data']['intent']['name']}"
                )
    stamps = [e["timestamp"] for e in events]
    if stamps != sorted(stamps):
        problems.append(f"{who}: events of concurrent turns interleaved (timestamps out of order)")
    return problems
