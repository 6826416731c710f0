"""Load benchmark: simulated citizens holding multi-turn conversations through the gateway's /api/chat,
and the same conversations against stock Rasa's REST webhook on the same model, in the same run.

Start the stack first (`make run`), then:
    .venv/bin/python benchmarks/load_chat.py --levels 10 50 100 --conversations 200
Loopback only; bounded in count (--conversations per level) and time (--max-seconds per level).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from typing import Dict, List

import httpx

CONVERSATIONS = [
    ["你好", "身份证丢了怎么补办", "要带什么材料", "谢谢"],
    ["社保卡怎么办理", "在哪里办", "再见"],
    ["公积金租房提取要什么材料", "多久能到账", "谢谢"],
    ["你好", "结婚登记要带什么", "能在网上预约吗"],
    ["异地就医怎么备案", "谢谢你"],
    ["开饭店要办什么证", "营业执照怎么办", "好的谢谢"],
]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


async def converse(client: httpx.AsyncClient, target: str, url: str, turns: List[str], timings: List[float],
                   errors: Dict[str, int]) -> None:
    sender = f"load-{uuid.uuid4().hex[:10]}"
    for text in turns:
        if target == "gateway":
            body = {"sender_id": sender, "text": text}
        else:
            body = {"sender": sender, "message": text}
        started = time.perf_counter()
        try:
            response = await client.post(url, json=body)
            ok = response.status_code == 200
            key = str(response.status_code)
        except httpx.HTTPError as exc:
            ok, key = False, type(exc).__name__
        timings.append((time.perf_counter() - started) * 1000)
        if not ok:
            errors[key] = errors.get(key, 0) + 1


async def run_level(target: str, url: str, concurrency: int, conversations: int, max_seconds: float) -> Dict:
    timings: List[float] = []
    errors: Dict[str, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    rng = random.Random(concurrency)
    for _ in range(conversations):
        queue.put_nowait(rng.choice(CONVERSATIONS))
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        async def worker() -> None:
            while time.monotonic() < deadline:
                try:
                    turns = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await converse(client, target, url, turns, timings, errors)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"target": target, "concurrency": concurrency, "turns": len(timings),
            "throughput": len(timings) / elapsed if elapsed else 0.0,
            "p50": statistics.median(timings), "p95": percentile(timings, 0.95), "p99": percentile(timings, 0.99),
            "errors": errors}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--max-seconds", type=float, default=120)
    args = parser.parse_args()
    targets = {"gateway": f"{args.gateway}/api/chat", "rasa-rest": f"{args.rasa}/webhooks/rest/webhook"}
    print("| 目标 | 并发对话 | 轮次 | 吞吐（轮/秒） | p50 ms | p95 ms | p99 ms | 错误 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for level in args.levels:
        for target, url in targets.items():
            r = await run_level(target, url, level, args.conversations, args.max_seconds)
            print(f"| {r['target']} | {r['concurrency']} | {r['turns']} | {r['throughput']:.1f} | {r['p50']:.0f} | "
                  f"{r['p95']:.0f} | {r['p99']:.0f} | {r['errors'] or '无'} |", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
