"""Load benchmark: simulated citizens holding multi-turn conversations through the gateway's /api/chat, and
the same conversations against stock Rasa's REST channel (/webhooks/rest/webhook) on the same Rasa servers
and model, in the same run — the ratio shows what the gateway adds (the action server answers both).

By default the script starts its own deployment (devtools/support/cluster.py: `python -m launcher SERVICE` per
process, as docker-compose.yml does; own knowledge database and index in a temporary directory, free
loopback ports) and stops it at the end:

    .venv/bin/python benchmarks/load_chat.py --redis                 # 1 Rasa + 1 gateway, Redis db 8/9
    .venv/bin/python benchmarks/load_chat.py --redis --workers 2     # 2 Rasa + 2 gateways on one Redis

`--redis` empties the two databases it uses (N for trackers, N+1 for locks; default redis://…/8). Without
`--redis` and with one worker the stores are the embedded in-memory ones, as `make run` without REDIS_URL.
Against a stack that is already running (`make run`), give its addresses instead; nothing is started:

    .venv/bin/python benchmarks/load_chat.py --gateway http://127.0.0.1:8000 --rasa http://127.0.0.1:5005

Each citizen (one asyncio task) holds one conversation at a time (devtools/support/conversations.py: an item
question, follow-ups, another item, thanks — utterances from the held-out NLU set), turn after turn with no
pause (--think-ms), then starts the next. Each level runs `level` citizens, for at most --max-seconds and at
most --conversations (default 3 × level) conversations; at the deadline no further turn is sent and the
turns in flight are awaited. Requests go round-robin over the gateways (or the Rasa servers). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.support.cluster import SCALE_REDIS_URL, Cluster, flush_redis, process_tree, rss_kib  # noqa: E402
from devtools.support.conversations import conversations  # noqa: E402

ROLES = ("rasa", "gateway", "action-server")


def percentile(values: List[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProcessMonitor:
    """Samples the resident memory of each role's processes (and their children) every `interval` s;
    `window()` returns, since its previous call, each role's peak memory (KiB) and CPU time used (s) —
    CPU time is what a process costs whatever else the machine runs."""

    def __init__(self, pids: Dict[str, int], interval: float = 0.5) -> None:
        self.pids = pids
        self.interval = interval
        self._peak: Dict[str, int] = collections.defaultdict(int)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu = self._cpu_now()

    @staticmethod
    def role(name: str) -> str:
        return name.rsplit("-", 1)[0] if name[-1].isdigit() else name

    def _cpu_now(self) -> Dict[str, float]:
        totals: Dict[str, float] = collections.defaultdict(float)
        for name, pid in self.pids.items():
            totals[self.role(name)] += sum(cpu_seconds(p) for p in process_tree(pid))
        return totals

    def _sample(self) -> None:
        totals: Dict[str, int] = collections.defaultdict(int)
        for name, pid in self.pids.items():
            totals[self.role(name)] += sum(rss_kib(p) for p in process_tree(pid))
        with self._lock:
            for role, kib in totals.items():
                self._peak[role] = max(self._peak[role], kib)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> "ProcessMonitor":
        self._thread.start()
        return self

    def window(self) -> Dict[str, Dict[str, float]]:
        self._sample()
        with self._lock:
            peak, self._peak = dict(self._peak), collections.defaultdict(int)
        cpu, before = self._cpu_now(), self._cpu
        self._cpu = cpu
        return {"rss_kib": peak, "cpu_s": {role: round(cpu[role] - before.get(role, 0.0), 2) for role in cpu}}

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


async def run_level(
    target: str, urls: List[str], concurrency: int, scripts: List[List[str]], max_seconds: float, think_ms: float
) -> Dict:
    timings: List[float] = []
    errors: Dict[str, int] = collections.Counter()
    empty = 0
    done = 0
    pending = iter(scripts)
    turn_no = itertools.count()
    limits = httpx.Limits(max_connections=concurrency + 8, max_keepalive_connections=concurrency + 8)
    started = time.perf_counter()
    deadline = time.monotonic() + max_seconds

    async def send(client: httpx.AsyncClient, sender: str, text: str) -> None:
        nonlocal empty
        url = urls[next(turn_no) % len(urls)]
        if target == "gateway":
            url, body = url + "/api/chat", {"sender_id": sender, "text": text}
        else:
            url, body = url + "/webhooks/rest/webhook", {"sender": sender, "message": text}
        t0 = time.perf_counter()
        try:
            response = await client.post(url, json=body)
        except httpx.HTTPError as exc:
            errors[type(exc).__name__] += 1
            return
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            errors[str(response.status_code)] += 1
            return
        messages = response.json()
        if not (messages.get("messages") if target == "gateway" else messages):
            empty += 1

    async def citizen(client: httpx.AsyncClient) -> None:
        nonlocal done
        for turns in pending:
            sender = f"load-{target}-{uuid.uuid4().hex[:12]}"
            for text in turns:
                if time.monotonic() >= deadline:
                    return
                await send(client, sender, text)
                if think_ms:
                    await asyncio.sleep(think_ms / 1000)
            done += 1

    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await asyncio.gather(*(citizen(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "target": target,
        "concurrency": concurrency,
        "conversations": done,
        "turns": len(timings),
        "seconds": round(elapsed, 1),
        "throughput": len(timings) / elapsed if elapsed else 0.0,
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "errors": dict(errors),
        "empty": empty,
    }


async def warm_up(target: str, urls: List[str], count: int) -> None:
    """A few conversations one after another on every server, not measured (first-call caches)."""
    for url in urls:
        await run_level(target, [url], 1, conversations(count, seed=7), 60, 0)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f}" if kib else "–"


async def benchmark(args, gateways: List[str], rasas: List[str], sampler: Optional[ProcessMonitor]) -> List[Dict]:
    targets = {"rasa-rest": rasas, "gateway": gateways}
    targets = {name: targets[name] for name in args.targets}
    for name, urls in targets.items():
        await warm_up(name, urls, args.warmup)
    rows = []
    print(
        "| 目标 | 工作进程 | 并发对话 | 完成对话 | 轮次 | 用时 s | 吞吐（轮/秒） | p50 ms | p95 ms | p99 ms "
        "| 错误 | CPU ms/轮（Rasa / 网关 / 动作） | 峰值内存 MiB（Rasa / 网关 / 动作） | 1 分钟负载（前→后） |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |", flush=True)
    for level in args.levels:
        count = args.conversations or 3 * level
        scripts = conversations(count, seed=level)
        for name, urls in targets.items():
            if sampler:
                sampler.window()
            load_before = os.getloadavg()[0]
            row = await run_level(name, urls, level, scripts, args.max_seconds, args.think_ms)
            row["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            row["workers"] = len(urls)
            row.update(sampler.window() if sampler else {"rss_kib": {}, "cpu_s": {}})
            rows.append(row)
            problems = dict(row["errors"], **({"空回复": row["empty"]} if row["empty"] else {}))
            memory = " / ".join(mib(row["rss_kib"].get(role, 0)) for role in ROLES)
            turns = max(1, row["turns"])
            cpu = " / ".join(
                f"{row['cpu_s'][role] * 1000 / turns:.0f}" if role in row["cpu_s"] else "–" for role in ROLES
            )
            print(
                f"| {name} | {len(urls)} | {level} | {row['conversations']} | {row['turns']} | {row['seconds']} "
                f"| {row['throughput']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} "
                f"| {problems or 0} | {cpu} | {memory} | {row['load'][0]} → {row['load'][1]} |",
                flush=True,
            )
    by_key = {(r["target"], r["concurrency"]): r for r in rows}
    if {"gateway", "rasa-rest"} <= set(targets):
        print("\n| 并发对话 | 吞吐 网关/Rasa | p50 网关/Rasa | p95 网关/Rasa | p99 网关/Rasa |")
        print("| --- | --- | --- | --- | --- |")
        for level in args.levels:
            g, r = by_key[("gateway", level)], by_key[("rasa-rest", level)]
            print(
                f"| {level} | {g['throughput'] / r['throughput']:.2f} | {g['p50'] / r['p50']:.2f} "
                f"| {g['p95'] / r['p95']:.2f} | {g['p99'] / r['p99']:.2f} |"
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", nargs="+", help="已在运行的网关地址（不自行启动）")
    parser.add_argument("--rasa", nargs="+", help="已在运行的 Rasa 地址（与 --gateway 同用）")
    parser.add_argument("--workers", type=int, default=1, help="自行启动时 Rasa 与网关各几个进程")
    parser.add_argument(
        "--redis",
        nargs="?",
        const=SCALE_REDIS_URL,
        default=None,
        help=f"自行启动时用 Redis（会清空 db N 与 N+1；默认 {SCALE_REDIS_URL}）",
    )
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 50, 100], help="并发对话数")
    parser.add_argument("--conversations", type=int, default=0, help="每级最多对话数（默认 3 × 并发）")
    parser.add_argument("--max-seconds", type=float, default=60, help="每级每个目标最长秒数")
    parser.add_argument("--think-ms", type=float, default=0, help="每轮之间的停顿（毫秒）")
    parser.add_argument("--warmup", type=int, default=3, help="测量前每个服务先跑几段对话")
    parser.add_argument("--targets", nargs="+", default=["rasa-rest", "gateway"], choices=["rasa-rest", "gateway"])
    parser.add_argument("--workdir", type=Path, help="自行启动时的数据与日志目录（默认临时目录）")
    parser.add_argument("--json", type=Path, help="把结果另存为 JSON")
    args = parser.parse_args()
    if args.gateway and (args.redis or args.workers != 1):
        parser.error("--redis 与 --workers 只用于自行启动的部署；对已在运行的服务请只给 --gateway/--rasa")

    print(f"开始：{uptime()}（nproc {os.cpu_count()}）", flush=True)
    cluster = sampler = None
    if args.gateway:
        gateways, rasas = args.gateway, args.rasa or ["http://127.0.0.1:5005"]
    else:
        if args.redis:
            flush_redis(args.redis)
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="load-chat-"))
        cluster = Cluster(workdir, workers=args.workers, redis_url=args.redis)
        started = time.monotonic()
        cluster.start()
        print(
            f"已启动 {args.workers} 个 Rasa + {args.workers} 个网关（{'Redis ' + args.redis if args.redis else '内存存储'}），"
            f"用时 {time.monotonic() - started:.0f} 秒；日志在 {workdir}",
            flush=True,
        )
        gateways, rasas = cluster.gateways, cluster.rasa
        sampler = ProcessMonitor(cluster.pids()).start()
    try:
        rows = asyncio.run(benchmark(args, gateways, rasas, sampler))
    finally:
        peaks = {}
        if cluster:
            peaks = {name: rss_kib(pid, "VmHWM") for name, pid in cluster.pids().items()}
            sampler.stop()
            cluster.stop()
    if peaks:
        print("\n进程生命周期内的峰值常驻内存（VmHWM，MiB）：" + "，".join(f"{n} {mib(k)}" for n, k in peaks.items()))
    print(f"结束：{uptime()}", flush=True)
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "vmhwm_kib": peaks, "argv": sys.argv[1:]}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0 if all(not r["errors"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
