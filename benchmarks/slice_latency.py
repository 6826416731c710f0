"""Latency of the vertical slice through the running stack (gateway → Rasa → action server → index).

Start the stack first (`make run`), then:  .venv/bin/python benchmarks/slice_latency.py [--n 50]
Sequential requests from one client on loopback; prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import httpx

QUESTIONS = ["身份证丢了怎么补办", "社保卡怎么办理", "公积金租房提取要什么材料", "结婚登记要带什么", "异地就医怎么备案"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    timings = []
    with httpx.Client(timeout=30) as client:
        for i in range(args.n):
            text = QUESTIONS[i % len(QUESTIONS)]
            started = time.perf_counter()
            response = client.post(
                f"{args.url}/api/chat", json={"sender_id": f"bench-{uuid.uuid4().hex[:8]}", "text": text}
            )
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            assert response.json()["sources"], f"no sources for {text}"
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"n={len(timings)} p50={statistics.median(timings):.1f}ms p95={p95:.1f}ms max={timings[-1]:.1f}ms")


if __name__ == "__main__":
    main()
