"""转人工: how fast an agent's message reaches the citizen, and what it costs the gateway — polling (what the
gateway does: GET /api/chat/{sender_id}/events, gateway/routes/live.py) compared with server-sent events.

    .venv/bin/python benchmarks/live_delivery.py                        # everything, Markdown tables
    .venv/bin/python benchmarks/live_delivery.py --nginx /tmp/nginx-pkg/root/usr/sbin/nginx
    .venv/bin/python benchmarks/live_delivery.py --stores production     # PostgreSQL + Redis (throwaway servers)
    .venv/bin/python benchmarks/live_delivery.py --json

The deployment is devtools/support/cluster.py (reference API, action server, one Rasa, one gateway, each
`python -m launcher SERVICE`) in a temporary directory. `--stores embedded` (the default, as `make run`):
SQLite and the in-memory key-value store; `--stores production`: the live tables on PostgreSQL and the
key-value store on Redis, throwaway servers from devtools/support/services.py (as docker-compose.yml has it).
The script sets 24-hour service hours (`PUT /admin/live/hours`), creates an agent token, opens 1 + --pollers
sessions by saying "转人工" through /api/chat, and the agent takes them all; its console beats every 10 s.

(a) Delivery latency. One citizen polls as the web page does: the next pull `interval` seconds after the
    previous one answered (gateway/static/web/app.js). The agent posts --messages messages at random moments
    (0.5 s to 0.5 + 2 × interval apart, so they fall at every phase of the polling); latency = the moment the
    citizen's poll response containing the message arrived − the moment the agent's POST returned
    (negative: the poll saw it before the agent's own response came back). Run at each --intervals, idle,
    and at the last interval again while --pollers other citizens poll at that interval too; during that run
    the gateway's CPU is sampled from /proc (what polling costs at a realistic rate).
(b) Server cost. --pollers citizens poll in a closed loop (no pause: each request right after the previous
    answer) for --seconds: requests/s, latency, the gateway's CPU ms per request. The load generator is its
    own process (aiohttp), on the same 2 cores: its CPU is reported too.
(c) Server-sent events, for comparison — NOT the gateway: a minimal Starlette app (this file, `--sse-server`;
    an in-memory queue per citizen, one process, so it is the best case — several replicas would also need
    a pub/sub between them) under uvicorn, one held connection per citizen. Latency measured as in (a),
    directly and, with --nginx (a path, or `nginx` found on PATH), through nginx with an ordinary
    `proxy_pass` (every other directive at its default: proxy_buffering on, proxy_read_timeout 60 s) and
    with `proxy_buffering off`. Also how long an idle SSE connection lives through that default nginx with
    and without a 15-second keep-alive comment, the gateway's poll round trip through the same nginx, and
    the memory of the SSE process holding --held idle connections.

Loopback only. The figures and their reading are in benchmarks/README.md and docs/live-agents.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.support.cluster import Cluster, process_tree, rss_kib  # noqa: E402
from devtools.support.ports import free_port  # noqa: E402
from devtools.support.processes import launch, stop, wait_ready  # noqa: E402

ADMIN = "bench-live-admin-" + uuid.uuid4().hex
ALL_DAY = {"days": [1, 2, 3, 4, 5, 6, 7], "periods": ["00:00-24:00"]}
HEARTBEAT_SECONDS = 10.0  # as the console (gateway/static/staff/staff.js)
SSE_KEEPALIVE_SECONDS = 15.0
IDLE_SECONDS = 15.0  # the gateway's own background work (index sync every second, …) with no request


# -- measuring -------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc); 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    return sum(cpu_seconds(p) for p in process_tree(pid))


def tree_rss_kib(pid: int) -> int:
    return sum(rss_kib(p) for p in process_tree(pid))


def percentile(values: List[float], q: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def spread_ms(seconds: List[float]) -> Dict:
    """n, mean, p50, p95, p99, min and max, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "mean": round(statistics.fmean(ms), 1),
        "p50": round(percentile(ms, 50), 1),
        "p95": round(percentile(ms, 95), 1),
        "p99": round(percentile(ms, 99), 1),
        "min": round(min(ms), 1),
        "max": round(max(ms), 1),
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# -- the desk: hours, an agent, sessions -----------------------------------------------------------------


class Desk:
    def __init__(self, gateway: str, queue_limit: int) -> None:
        self.client = httpx.Client(base_url=gateway, timeout=60)
        admin = {"Authorization": f"Bearer {ADMIN}"}
        hours = {"hours": ALL_DAY, "departments": {}, "queue_limit": queue_limit}
        self.client.put("/admin/live/hours", headers=admin, json=hours).raise_for_status()
        created = self.client.post("/admin/staff", headers=admin, json={"name": "测速坐席", "role": "agent"})
        created.raise_for_status()
        self.headers = {"Authorization": f"Bearer {created.json()['token']}"}
        self._stop = threading.Event()
        self.beat()
        self._beating = threading.Thread(target=self._beat_loop, daemon=True)
        self._beating.start()

    def beat(self) -> None:
        self.client.post("/admin/live/heartbeat", headers=self.headers).raise_for_status()

    def _beat_loop(self) -> None:
        with httpx.Client(base_url=str(self.client.base_url), timeout=30) as client:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    client.post("/admin/live/heartbeat", headers=self.headers)
                except httpx.HTTPError as exc:
                    print(f"heartbeat failed: {exc}", file=sys.stderr)

    def open_sessions(self, count: int) -> List[Tuple[str, int]]:
        """`count` citizens say 转人工; the agent takes each. Returns (sender_id, session id)."""
        opened = []
        for i in range(count):
            sender = f"bench-live-{i}-{uuid.uuid4().hex[:8]}"
            reply = self.client.post("/api/chat", json={"sender_id": sender, "text": "转人工"})
            reply.raise_for_status()
            handoff = next((m for m in reply.json()["messages"] if m.get("type") == "handoff"), None)
            live = (handoff or {}).get("live") or {}
            if live.get("status") != "waiting":
                raise SystemExit(f"转人工 did not open a session: {reply.text[:300]}")
            taken = self.client.post(f"/admin/live/sessions/{live['session_id']}/take", headers=self.headers)
            taken.raise_for_status()
            opened.append((sender, live["session_id"]))
        return opened

    def say(self, session_id: int, text: str) -> Tuple[int, float]:
        """Posts the agent's message; (message id, seconds the POST took)."""
        started = time.monotonic()
        response = self.client.post(
            f"/admin/live/sessions/{session_id}/messages", headers=self.headers, json={"text": text}
        )
        took = time.monotonic() - started
        response.raise_for_status()
        return response.json()["id"], took

    def close(self) -> None:
        self._stop.set()
        self._beating.join(timeout=HEARTBEAT_SECONDS + 5)
        self.client.close()


# -- (a) delivery latency by polling ---------------------------------------------------------------------


def polled_delivery(gateway: str, desk: Desk, sender: str, session_id: int, interval: float, n: int, rng) -> Dict:
    seen: Dict[int, float] = {}
    polls = []
    stop_polling = threading.Event()
    with httpx.Client(base_url=gateway, timeout=30) as client:
        cursor = client.get(f"/api/chat/{sender}/events", params={"after": 0}).json()["next"]

        def poller() -> None:
            nonlocal cursor
            with httpx.Client(base_url=gateway, timeout=30) as own:
                while not stop_polling.is_set():
                    started = time.monotonic()
                    body = own.get(f"/api/chat/{sender}/events", params={"after": cursor}).json()
                    arrived = time.monotonic()
                    polls.append(arrived - started)
                    for event in body["events"]:
                        seen.setdefault(event["id"], arrived)
                    cursor = body["next"]
                    stop_polling.wait(interval)

        thread = threading.Thread(target=poller, daemon=True)
        thread.start()
        posted: Dict[int, float] = {}
        post_seconds = []
        for i in range(n):
            time.sleep(rng.uniform(0.5, 0.5 + 2 * interval))
            message_id, took = desk.say(session_id, f"测速消息 {i + 1}：请带身份证原件到窗口办理。")
            posted[message_id] = time.monotonic()
            post_seconds.append(took)
        deadline = time.monotonic() + 3 * interval + 10
        while time.monotonic() < deadline and not set(posted) <= set(seen):
            time.sleep(0.05)
        stop_polling.set()
        thread.join(timeout=interval + 30)
    latencies = [seen[m] - posted[m] for m in posted if m in seen]
    return {
        "interval_s": interval,
        "delivered": len(latencies),
        "sent": n,
        "latency_ms": spread_ms(latencies),
        "agent_post_ms": spread_ms(post_seconds),
        "poll_rtt_ms": spread_ms(polls),
    }


# -- polling load (its own process) ----------------------------------------------------------------------


def _poll_load_process(gateway: str, senders: List[str], interval: float, seconds: float, out) -> None:
    out.put(asyncio.run(_poll_load(gateway, senders, interval, seconds)))


async def _poll_load(gateway: str, senders: List[str], interval: float, seconds: float) -> Dict:
    import aiohttp

    latencies: List[float] = []
    statuses: Dict[int, int] = {}
    failures = 0
    started = time.monotonic()
    deadline = started + seconds
    connector = aiohttp.TCPConnector(limit=len(senders) + 5)
    async with aiohttp.ClientSession(base_url=gateway, connector=connector) as session:

        async def citizen(sender: str) -> None:
            nonlocal failures
            cursor = 0
            if interval:
                await asyncio.sleep(random.uniform(0, interval))  # not all at once
            while time.monotonic() < deadline:
                began = time.monotonic()
                try:
                    async with session.get(f"/api/chat/{sender}/events", params={"after": str(cursor)}) as response:
                        body = await response.json()
                        statuses[response.status] = statuses.get(response.status, 0) + 1
                        cursor = body.get("next", cursor)
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    failures += 1
                latencies.append(time.monotonic() - began)
                if interval:
                    await asyncio.sleep(interval)

        await asyncio.gather(*(citizen(s) for s in senders))
    wall = time.monotonic() - started
    return {
        "requests": len(latencies),
        "wall_s": wall,
        "statuses": statuses,
        "failures": failures,
        "latencies": latencies,
        "client_cpu_s": cpu_seconds(os.getpid()),
    }


class PollLoad:
    """--pollers citizens polling from a process of their own; the gateway's CPU over the same window."""

    def __init__(self, gateway: str, gateway_pid: int, senders: List[str], interval: float, seconds: float) -> None:
        context = multiprocessing.get_context("spawn")  # not fork: this process has threads
        self.out = context.Queue()
        self.proc = context.Process(target=_poll_load_process, args=(gateway, senders, interval, seconds, self.out))
        self.gateway_pid = gateway_pid
        self.interval = interval
        self.pollers = len(senders)

    def start(self) -> "PollLoad":
        self.cpu_before = tree_cpu(self.gateway_pid)
        self.began = time.monotonic()
        self.proc.start()
        return self

    def result(self) -> Dict:
        found = self.out.get()
        self.proc.join()
        cpu = tree_cpu(self.gateway_pid) - self.cpu_before
        wall = time.monotonic() - self.began
        requests = found["requests"]
        return {
            "pollers": self.pollers,
            "interval_s": self.interval,
            "requests": requests,
            "seconds": round(found["wall_s"], 1),
            "requests_per_s": round(requests / found["wall_s"], 1),
            "statuses": found["statuses"],
            "failures": found["failures"],
            "latency_ms": spread_ms(found["latencies"]),
            "gateway_cpu_s": round(cpu, 2),
            "gateway_cpu_ms_per_request": round(cpu * 1000 / requests, 2) if requests else None,
            "gateway_cpu_share_of_a_core": round(cpu / wall, 3),
            "client_cpu_s": round(found["client_cpu_s"], 2),
        }


# -- (c) server-sent events: a throwaway app, not the gateway ---------------------------------------------


def sse_app():
    """GET /sse/{sid}?keepalive=S: an event stream (a comment every S seconds while idle, none when 0);
    POST /say/{sid}: one event to that citizen's open streams. In-memory, one process."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    streams: Dict[str, set] = {}

    async def stream(request: Request):
        sid = request.path_params["sid"]
        keepalive = float(request.query_params.get("keepalive", SSE_KEEPALIVE_SECONDS))
        queue: asyncio.Queue = asyncio.Queue()
        streams.setdefault(sid, set()).add(queue)

        async def body():
            try:
                while True:
                    try:
                        item = await (asyncio.wait_for(queue.get(), keepalive) if keepalive > 0 else queue.get())
                    except asyncio.TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    yield f"id: {item['id']}\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"
            finally:
                streams[sid].discard(queue)

        return StreamingResponse(body(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    async def say(request: Request):
        item = await request.json()
        targets = streams.get(request.path_params["sid"], set())
        for queue in targets:
            queue.put_nowait(item)
        return JSONResponse({"streams": len(targets)}, status_code=201)

    async def health(request: Request):
        sid = request.query_params.get("sid")
        return JSONResponse({"status": "ok", "streams": len(streams.get(sid, ())) if sid else len(streams)})

    return Starlette(
        routes=[
            Route("/sse/{sid}", stream),
            Route("/say/{sid}", say, methods=["POST"]),
            Route("/healthz", health),
        ]
    )


def serve_sse(port: int) -> None:
    import uvicorn

    uvicorn.run(sse_app(), host="127.0.0.1", port=port, log_level="warning", ws="none")


def sse_delivery(base: str, n: int, rng, wait_after: float = 10.0) -> Dict:
    """One held stream; `n` posts at random moments; latency = event received − POST returned."""
    sid = uuid.uuid4().hex[:12]
    received: Dict[int, float] = {}
    connected = threading.Event()
    done = threading.Event()

    def reader() -> None:
        try:
            with httpx.Client(timeout=httpx.Timeout(10, read=None)) as client:
                with client.stream("GET", f"{base}/sse/{sid}") as response:
                    connected.set()
                    for line in response.iter_lines():
                        if line.startswith("id: "):
                            received.setdefault(int(line[4:]), time.monotonic())
                        if done.is_set():
                            return
        except httpx.HTTPError:
            connected.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    connected.wait(10)
    posted: Dict[int, float] = {}
    post_seconds = []
    with httpx.Client(timeout=30) as client:
        for _ in range(100):  # the app has the stream (through nginx too: the GET has reached it)
            if client.get(f"{base}/healthz", params={"sid": sid}).json()["streams"]:
                break
            time.sleep(0.05)
        for i in range(n):
            time.sleep(rng.uniform(0.2, 0.8))
            began = time.monotonic()
            client.post(f"{base}/say/{sid}", json={"id": i + 1, "text": f"测速消息 {i + 1}"}).raise_for_status()
            posted[i + 1] = time.monotonic()
            post_seconds.append(posted[i + 1] - began)
    deadline = time.monotonic() + wait_after
    while time.monotonic() < deadline and len(received) < n:
        time.sleep(0.05)
    done.set()
    latencies = [received[m] - posted[m] for m in posted if m in received]
    return {
        "delivered": len(latencies),
        "sent": n,
        "waited_after_last_s": wait_after,
        "latency_ms": spread_ms(latencies),
        "post_ms": spread_ms(post_seconds),
    }


def stream_lifetime(url: str, limit: float) -> Dict:
    """Holds an SSE stream open until the far side ends it or `limit` seconds pass."""
    began = time.monotonic()
    comments = 0
    how = "still open"
    try:
        with httpx.Client(timeout=httpx.Timeout(10, read=limit + SSE_KEEPALIVE_SECONDS + 5)) as client:
            with client.stream("GET", url) as response:
                for line in response.iter_lines():
                    if line.startswith(":"):
                        comments += 1
                    if time.monotonic() - began > limit:
                        break
                else:
                    how = "closed by the server side"
    except httpx.HTTPError as exc:
        how = f"failed: {type(exc).__name__}"
    return {"seconds": round(time.monotonic() - began, 1), "ended": how, "keep_alive_comments": comments}


async def _hold(port: int, count: int, hold_seconds: float) -> int:
    writers = []
    for i in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /sse/held-{i} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        writers.append((reader, writer))
    for reader, _ in writers:
        await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(hold_seconds)
    for _, writer in writers:
        writer.close()
    return len(writers)


def held_connections(port: int, pid: int, count: int) -> Dict:
    """RSS of the SSE process before and while `count` idle streams are held (measured half-way)."""
    before = tree_rss_kib(pid)
    cpu_before = tree_cpu(pid)
    result: Dict = {}

    def sample() -> None:
        time.sleep(6)
        result["rss_held_kib"] = tree_rss_kib(pid)
        result["fds"] = len(os.listdir(f"/proc/{pid}/fd"))

    sampler = threading.Thread(target=sample)
    sampler.start()
    began = time.monotonic()
    held = asyncio.run(_hold(port, count, 8))
    sampler.join()
    return {
        "connections": held,
        "rss_before_kib": before,
        **result,
        "kib_per_connection": round((result["rss_held_kib"] - before) / held, 1),
        "cpu_s_while_held": round(tree_cpu(pid) - cpu_before, 2),
        "seconds": round(time.monotonic() - began, 1),
    }


# -- nginx -----------------------------------------------------------------------------------------------

NGINX_CONF = """
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    # an ordinary site: proxy_pass and nothing else (proxy_buffering on, proxy_read_timeout 60s: the defaults)
    server {{ listen 127.0.0.1:{plain}; location / {{ proxy_pass http://127.0.0.1:{sse}; }} }}
    # what SSE needs
    server {{
        listen 127.0.0.1:{unbuffered};
        location / {{
            proxy_pass http://127.0.0.1:{sse};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 1h;
        }}
    }}
    # the gateway behind the same ordinary site
    server {{ listen 127.0.0.1:{gateway_proxy}; location / {{ proxy_pass http://127.0.0.1:{gateway}; }} }}
}}
"""


class Nginx:
    def __init__(self, binary: str, sse_port: int, gateway_port: int) -> None:
        self.prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        os.chmod(self.prefix, 0o777)  # as root the workers run as nobody
        self.ports = {"plain": free_port(), "unbuffered": free_port(), "gateway_proxy": free_port()}
        conf = self.prefix / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(prefix=self.prefix, sse=sse_port, gateway=gateway_port, **self.ports), encoding="utf-8"
        )
        self.binary = binary
        self.version = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.strip()
        self.proc = launch(
            [binary, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"], self.prefix / "out.log"
        )
        wait_ready(self.proc, f"http://127.0.0.1:{self.ports['plain']}/healthz", 20, self.prefix / "error.log", "nginx")

    def log_count(self, text: str) -> int:
        log = self.prefix / "error.log"
        return log.read_text(errors="replace").count(text) if log.exists() else 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def stop(self) -> None:
        stop(self.proc, 10)
        shutil.rmtree(self.prefix, ignore_errors=True)


def poll_rtt(bases: Dict[str, str], sender: str, n: int = 100) -> Dict:
    """Sequential polls, alternating between the addresses (so that both see the same moments)."""
    took: Dict[str, List[float]] = {name: [] for name in bases}
    clients = {name: httpx.Client(base_url=base, timeout=30) for name, base in bases.items()}
    try:
        for _ in range(n):
            for name, client in clients.items():
                began = time.monotonic()
                response = client.get(f"/api/chat/{sender}/events", params={"after": 0})
                took[name].append(time.monotonic() - began)
                response.raise_for_status()
    finally:
        for client in clients.values():
            client.close()
    return {name: spread_ms(values) for name, values in took.items()}


# -- the run ---------------------------------------------------------------------------------------------


def production_stores() -> Tuple[Dict[str, str], str]:
    from devtools.support.services import suite_postgres_url, suite_redis_url

    return {"DATABASE_URL": suite_postgres_url()}, suite_redis_url(db=8)


def run(args) -> Dict:
    rng = random.Random(args.seed)
    results: Dict = {"machine": {"nproc": os.cpu_count(), "start": uptime()}, "stores": args.stores}
    extra_env = {"STAFF_ADMIN_TOKEN": ADMIN, "LIVE_CHAT_ENABLED": "true", "RATE_LIMIT_MESSAGES": "0"}
    redis_url = None
    if args.stores == "production":
        more, redis_url = production_stores()
        extra_env.update(more)
    workdir = Path(tempfile.mkdtemp(prefix="bench-live-"))
    cluster = Cluster(workdir, redis_url=redis_url, extra_env=extra_env)
    print(f"starting the deployment in {workdir} …", file=sys.stderr, flush=True)
    cluster.start()
    nginx = None
    sse_proc = None
    try:
        gateway = cluster.gateways[0]
        gateway_pid = cluster.procs["gateway-0"].pid
        desk = Desk(gateway, queue_limit=args.pollers + 10)
        print(f"opening {1 + args.pollers} sessions …", file=sys.stderr, flush=True)
        sessions = desk.open_sessions(1 + args.pollers)
        (sender, session_id), others = sessions[0], [s for s, _ in sessions[1:]]

        print(f"idle gateway for {IDLE_SECONDS:g} s …", file=sys.stderr, flush=True)
        cpu_before = tree_cpu(gateway_pid)
        time.sleep(IDLE_SECONDS)
        results["idle_gateway_cpu_share_of_a_core"] = round((tree_cpu(gateway_pid) - cpu_before) / IDLE_SECONDS, 3)
        results["polling"] = []
        for interval in args.intervals:
            print(f"(a) polling every {interval} s …", file=sys.stderr, flush=True)
            row = polled_delivery(gateway, desk, sender, session_id, interval, args.messages, rng)
            results["polling"].append({**row, "background_pollers": 0})
        interval = args.intervals[-1]
        print(f"(a) polling every {interval} s beside {args.pollers} pollers …", file=sys.stderr, flush=True)
        expected = args.messages * (0.5 + interval) + 3 * interval + 15
        load = PollLoad(gateway, gateway_pid, others, interval, expected).start()
        row = polled_delivery(gateway, desk, sender, session_id, interval, args.messages, rng)
        results["polling"].append({**row, "background_pollers": args.pollers})
        results["paced_load"] = load.result()

        print(f"(b) {args.pollers} pollers in a closed loop for {args.seconds} s …", file=sys.stderr, flush=True)
        results["closed_loop"] = PollLoad(gateway, gateway_pid, others, 0.0, args.seconds).start().result()
        results["gateway_rss_kib"] = tree_rss_kib(gateway_pid)

        print("(c) server-sent events (a throwaway app, not the gateway) …", file=sys.stderr, flush=True)
        sse_port = free_port()
        sse_proc = launch([sys.executable, __file__, "--sse-server", str(sse_port)], workdir / "sse.log")
        wait_ready(sse_proc, f"http://127.0.0.1:{sse_port}/healthz", 30, workdir / "sse.log", "the SSE app")
        sse = f"http://127.0.0.1:{sse_port}"
        results["sse"] = {"direct": sse_delivery(sse, args.messages, rng)}
        binary = args.nginx or shutil.which("nginx")
        if binary:
            nginx = Nginx(binary, sse_port, int(gateway.rsplit(":", 1)[1]))
            results["nginx"] = nginx.version
            lifetimes: Dict[str, Dict] = {}
            limit = args.idle_seconds
            watchers = [
                threading.Thread(
                    target=lambda k=k, u=u: lifetimes.__setitem__(k, stream_lifetime(u, limit)), daemon=True
                )
                for k, u in (
                    ("no_keepalive", nginx.url("plain") + "/sse/idle-a?keepalive=0"),
                    ("keepalive_15s", nginx.url("plain") + "/sse/idle-b"),
                )
            ]
            for watcher in watchers:
                watcher.start()
            results["sse"]["nginx_default"] = sse_delivery(nginx.url("plain"), args.messages, rng)
            results["sse"]["nginx_unbuffered"] = sse_delivery(nginx.url("unbuffered"), args.messages, rng)
            results["poll_rtt"] = poll_rtt({"direct": gateway, "nginx_default": nginx.url("gateway_proxy")}, sender)
            for watcher in watchers:
                watcher.join(limit + 20)
            results["sse_idle_through_nginx_default"] = lifetimes
            results["nginx_upstream_timeouts"] = nginx.log_count("upstream timed out")
        results["sse_held"] = held_connections(sse_port, sse_proc.pid, args.held)
        desk.close()
    finally:
        if nginx is not None:
            nginx.stop()
        if sse_proc is not None:
            stop(sse_proc, 10)
        cluster.stop()
        if args.stores == "production":
            from devtools.support.services import stop_suite_servers

            stop_suite_servers()
        shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["end"] = uptime()
    return results


# -- the report ------------------------------------------------------------------------------------------


def _ms(d: Dict, *keys: str) -> str:
    def one(value) -> str:
        if value is None:
            return "–"
        return f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"

    return " / ".join(one(d.get(k)) for k in keys)


def markdown(r: Dict) -> str:
    lines = [
        f"机器：nproc {r['machine']['nproc']}；开始 `{r['machine']['start']}`；结束 `{r['machine']['end']}`；"
        f"存储：{r['stores']}",
        "",
        "(a) 轮询：坐席 POST 返回 → 群众的轮询拿到该消息（ms）",
        "",
        "| 轮询间隔 | 旁边另有轮询者 | 送达/发出 | 平均 | p50 | p95 | 最小 | 最大 | 坐席 POST p50/p95 | 单次轮询往返 p50/p95 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in r["polling"]:
        lat = row["latency_ms"]
        lines.append(
            f"| {row['interval_s']:g} s | {row['background_pollers']} | {row['delivered']}/{row['sent']} "
            f"| {_ms(lat, 'mean')} | {_ms(lat, 'p50')} | {_ms(lat, 'p95')} | {_ms(lat, 'min')} | {_ms(lat, 'max')} "
            f"| {_ms(row['agent_post_ms'], 'p50', 'p95')} | {_ms(row['poll_rtt_ms'], 'p50', 'p95')} |"
        )
    lines += [
        "",
        "(b) 轮询的服务端开销（网关进程 CPU 取自 /proc）",
        "",
        "| 负载 | 请求数 | 秒 | 请求/秒 | 状态码 | 失败 | 延迟 p50/p95/p99 ms | 网关 CPU ms/请求 | 网关占一核的比例 | 压测进程 CPU 秒 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in (("paced_load", r["paced_load"]), ("closed_loop", r["closed_loop"])):
        what = (
            f"{row['pollers']} 人各每 {row['interval_s']:g} 秒一次"
            if name == "paced_load"
            else f"{row['pollers']} 人连续轮询（不停顿）"
        )
        lat = row["latency_ms"]
        lines.append(
            f"| {what} | {row['requests']} | {row['seconds']} | {row['requests_per_s']} | {row['statuses']} "
            f"| {row['failures']} | {_ms(lat, 'p50', 'p95', 'p99')} "
            f"| {row['gateway_cpu_ms_per_request']} | {row['gateway_cpu_share_of_a_core']} | {row['client_cpu_s']} |"
        )
    lines.append(
        f"\n空闲时（只有坐席心跳）网关占一核的比例：{r['idle_gateway_cpu_share_of_a_core']}；"
        f"网关常驻内存（测后）：{r['gateway_rss_kib'] / 1024:.0f} MiB"
    )
    lines += [
        "",
        "(c) SSE（基准脚本里的最小 Starlette 应用，不是网关）：POST 返回 → 事件到达（ms）",
        "",
        "| 路径 | 送达/发出 | 平均 | p50 | p95 | 最大 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    names = {
        "direct": "直连 uvicorn",
        "nginx_default": "经 nginx，默认配置（只写 proxy_pass）",
        "nginx_unbuffered": "经 nginx，proxy_buffering off",
    }
    for key, row in r["sse"].items():
        lat = row["latency_ms"]
        lines.append(
            f"| {names[key]} | {row['delivered']}/{row['sent']}（最后一条发出后再等 {row['waited_after_last_s']:g} 秒） "
            f"| {_ms(lat, 'mean')} | {_ms(lat, 'p50')} | {_ms(lat, 'p95')} | {_ms(lat, 'max')} |"
        )
    if "nginx" in r:
        lines.append(f"\nnginx：{r['nginx']}")
        for key, row in r.get("sse_idle_through_nginx_default", {}).items():
            lines.append(f"- 经默认 nginx 的空闲 SSE 连接（{key}）：{row}")
        lines.append(f"- nginx error.log 中 “upstream timed out” 的行数：{r['nginx_upstream_timeouts']}")
        rtt = r["poll_rtt"]
        lines.append(
            f"- 网关轮询往返 p50/p95 ms：直连 {_ms(rtt['direct'], 'p50', 'p95')}，"
            f"经默认 nginx {_ms(rtt['nginx_default'], 'p50', 'p95')}"
        )
    held = r["sse_held"]
    lines.append(
        f"- SSE 应用保持 {held['connections']} 条空闲连接：常驻内存 {held['rss_before_kib'] / 1024:.1f} → "
        f"{held['rss_held_kib'] / 1024:.1f} MiB（每条约 {held['kib_per_connection']} KiB），打开的文件描述符 {held['fds']}，"
        f"保持期间 CPU {held['cpu_s_while_held']} 秒"
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=30, help="agent messages per measurement")
    parser.add_argument("--intervals", type=float, nargs="+", default=[1.0, 2.0], help="polling intervals (s)")
    parser.add_argument("--pollers", type=int, default=50, help="concurrent citizens for the load")
    parser.add_argument("--seconds", type=float, default=20.0, help="closed-loop duration")
    parser.add_argument("--held", type=int, default=500, help="idle SSE connections held for the memory figure")
    parser.add_argument("--idle-seconds", type=float, default=75.0, help="how long to hold an idle SSE stream")
    parser.add_argument("--nginx", help="nginx binary (default: nginx on PATH; without one, no proxy figures)")
    parser.add_argument("--stores", choices=("embedded", "production"), default="embedded")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sse-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sse_server:
        serve_sse(args.sse_server)
        return 0
    results = run(args)
    for row in (results["paced_load"], results["closed_loop"]):
        row.pop("latencies", None)
    print(json.dumps(results, ensure_ascii=False, indent=1, default=str) if args.json else markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
