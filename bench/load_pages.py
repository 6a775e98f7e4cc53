"""The real pages under a whole office's load: many logged-in users at once, over real HTTP.

    .venv/bin/python bench/load_pages.py                               # demo county, SQLite, 16 users
    .venv/bin/python bench/load_pages.py --users 16 64 --seconds 15    # both loads
    .venv/bin/python bench/load_pages.py --postgres                    # database gefeng_bench_load
    .venv/bin/python bench/load_pages.py --members 1000000             # the demo county grown to 10⁶
    .venv/bin/python bench/load_pages.py --pages home,member-list      # some pages only
    .venv/bin/python bench/load_pages.py --url http://127.0.0.1:8000   # a server already running

Unless `--url` is given it migrates a fresh database (SQLite in a temporary folder, or
PostgreSQL on 127.0.0.1:5432 as user postgres), loads the demo county with its own loader
(`gefeng demo`: 57,655 members made by the registry's import path), optionally grows the registry
to `--members` with generated people spread over the demo's unions (`bench/search_members.py`
`fill`, the columns the importer writes), and starts `gefeng serve` with its default 2 workers and
no job runner — the server a county runs.

The driver is a small asyncio HTTP/1.1 client (standard library only, keep-alive, one connection
per virtual user). Every virtual user logs in as a demo account of the page's role through the
login form, as a browser does, and then requests the page again and again for `--seconds`; the
page is measured alone (one page at a time, all users on it), after a short warm-up. Every answer
must be 200 and not the login page, or the run stops: a fast error is not a fast page.

Baseline: the login page (anonymous GET, the cheapest page the platform renders with its whole
middleware stack) measured the same way in the same run, before and after the pages; each page's
throughput is printed as a share of the baseline's. Results: req/s, p50/p95/p99 in ms, and the
peak resident memory of each web worker (VmHWM) over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "gefeng_bench_load"
PASSWORD = "Gefeng@2026"  # the demo accounts' published password (gefeng.accounts.demo.DEMO_PASSWORD)

# (name, demo account, path or a function of the ids, what the page is)
PAGES: list[tuple[str, str, str]] = [
    ("home-county", "xianzong", "/"),
    ("home-liaison", "renshe", "/"),
    ("home-chair", "xinge", "/"),
    ("member-list", "xianzong", "/members/"),
    ("member-search-surname", "longgu", "/members/?q=%E5%BC%A0"),  # 张, a town officer
    ("member-search-pinyin", "xianzong", "/members/?q=zhang"),
    ("member-search-id-tail", "longgu", "/members/?q={id_tail}"),
    ("member-detail", "xinge", "/members/{member}/"),
    ("org-tree", "xianzong", "/orgs/tree/"),
    ("reform-board", "xianzong", "/reform/board/"),
    ("report-due", "renshe", "/reform/due/"),
    ("honours-campaign", "xianzong", "/honours/{campaign}/"),
    ("talent-stats", "xianzong", "/talent/stats/"),
    ("coverage", "xianzong", "/members/coverage/"),
    ("figures", "xianzong", "/figures/"),
    ("worker-home", "zhigong", "/"),
    ("worker-profile", "zhigong", "/accounts/me/"),
]
BASELINE = ("login-page", "", "/accounts/login/")


# ---------------------------------------------------------------------------------- HTTP client


class HTTPError(Exception):
    pass


class PageFailed(Exception):
    """A page answered something other than 200: the run stops (a fast error is not a fast page)."""


@dataclass
class Conn:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = self.reader = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
        """One request on the kept-alive connection (reopened once if the server closed it)."""
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            try:
                return await self._request(method, path, body, headers or {})
            except (ConnectionError, asyncio.IncompleteReadError, HTTPError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _request(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        assert self.reader is not None and self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body:
            lines.append(f"Content-Length: {len(body)}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise HTTPError("connection closed")
        status = int(status_line.split()[1])
        head: dict[str, str] = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            key, _, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            head[key] = value
        if head.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            data = b"".join(chunks)
        elif "content-length" in head:
            data = await self.reader.readexactly(int(head["content-length"]))
        else:
            data = await self.reader.read()
            await self.close()
        if head.get("connection", "").lower() == "close":
            await self.close()
        return status, head, data


async def login(conn: Conn, username: str) -> None:
    status, _head, page = await conn.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or token is None:
        raise PageFailed(f"登录页不可用（{status}）")
    form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD}
    body = urllib.parse.urlencode(form).encode()
    referer = f"http://{conn.host}:{conn.port}/accounts/login/"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer}
    status, head, _ = await conn.request("POST", "/accounts/login/", body, headers)
    if status != 302 or "/accounts/login" in head.get("location", ""):
        raise PageFailed(f"{username} 登录失败（{status}）：演示账号是否已载入、是否被锁定？")


# ---------------------------------------------------------------------------------- measuring


@dataclass
class Result:
    name: str
    users: int
    requests: int
    seconds: float
    latencies: list[float]
    bytes: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, p: float) -> float:
        xs = self.latencies
        return xs[min(len(xs) - 1, max(0, round(len(xs) * p) - 1))] if xs else float("nan")


async def measure(host: str, port: int, name: str, account: str, path: str, users: int, seconds: float) -> Result:
    conns = [Conn(host, port) for _ in range(users)]
    if account:
        for i in range(0, users, 8):  # log in a few at a time, as an office arriving does
            await asyncio.gather(*(login(c, account) for c in conns[i : i + 8]))
    latencies: list[float] = []
    total_bytes = 0
    stop_at = 0.0
    measuring = False

    async def user(conn: Conn) -> None:
        nonlocal total_bytes
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            status, head, data = await conn.request("GET", path)
            took = (time.perf_counter() - t0) * 1000
            if status != 200:  # a redirect to the login page, an error: not a fast page
                raise PageFailed(f"{name}: {path} 答复 {status} {head.get('location', '')}（账号 {account or '匿名'}）")
            if measuring:
                latencies.append(took)
                total_bytes += len(data)

    warm = min(2.0, seconds / 5)
    stop_at = time.perf_counter() + warm
    await asyncio.gather(*(user(c) for c in conns))
    measuring = True
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(user(c) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        await c.close()
    latencies.sort()
    return Result(name, users, len(latencies), elapsed, latencies, total_bytes)


# ---------------------------------------------------------------------------------- the server


def django_env(data: Path, postgres: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEFENG_")}
    env |= {"GEFENG_ENV_FILE": "/dev/null", "GEFENG_DATA_DIR": str(data), "PYTHONDONTWRITEBYTECODE": "1"}
    if postgres:
        env["GEFENG_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    return env


def gefeng(env: dict[str, str], *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gefeng.cli", *args], env=env, check=True, **kw)


def prepare(args: argparse.Namespace, data: Path) -> dict[str, str]:
    env = django_env(data, args.postgres)
    if args.postgres:
        for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    t0 = time.perf_counter()
    gefeng(env, "migrate", "-v", "0")
    gefeng(env, "demo", stdout=subprocess.DEVNULL)
    print(f"demo county loaded in {time.perf_counter() - t0:.0f} s")
    if args.members:
        t0 = time.perf_counter()
        code = (
            "import sys; sys.path.insert(0, 'bench');"
            "import django; django.setup();"
            "from search_members import fill;"
            "from gefeng.members.models import Member; from gefeng.orgs.models import OrgNode, Kind;"
            f"extra = {args.members} - Member.objects.count();"
            "unions = list(OrgNode.objects.filter(kind=Kind.UNION, valid_to__isnull=True)"
            ".select_related('parent').order_by('path'));"
            "fill(max(0, extra), unions) if extra > 0 else None;"
            "from gefeng.members.imports.pipeline import refresh_statistics; refresh_statistics()"
        )
        subprocess.run(
            [sys.executable, "-c", code], env=env | {"DJANGO_SETTINGS_MODULE": "gefeng.settings"}, cwd=ROOT, check=True
        )
        if args.postgres:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-qc", "VACUUM ANALYZE"], check=True)
        print(f"registry grown to {args.members:,} members in {time.perf_counter() - t0:.0f} s")
    return env


def ids(env: dict[str, str]) -> dict[str, str]:
    """Real ids for the pages' paths: one of 新歌's members (and its ID tail), an honours campaign."""
    code = (
        "import django; django.setup();"
        "from gefeng.accounts.models import User; from gefeng.core import scope;"
        "from gefeng.members.models import Member; from gefeng.honours.models import Campaign;"
        "u = User.objects.get(username='xinge');"
        "m = scope.visible(u, Member).order_by('pk').first();"
        "c = Campaign.objects.order_by('pk').first();"
        "print(m.pk, m.id_number[-4:], c.pk if c else 0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "gefeng.settings"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {"member": out[0], "id_tail": out[1], "campaign": out[2]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    log = open(Path(env["GEFENG_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "gefeng.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--no-worker", "--no-migrate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gefeng serve 未在 60 秒内启动，见 serve.log")


def worker_pids(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def peak_rss_mb(pids: list[int]) -> list[float]:
    peaks = []
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", text)
        if m:
            peaks.append(int(m.group(1)) / 1024)
    return peaks


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ---------------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, nargs="+", default=[16], help="concurrent users (one run per value)")
    ap.add_argument("--seconds", type=float, default=10, help="measured seconds per page")
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--members", type=int, default=0, help="grow the registry to this many members")
    ap.add_argument("--workers", type=int, default=2, help="web workers of gefeng serve")
    ap.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    ap.add_argument("--url", default="", help="measure a server already running (demo loaded)")
    ap.add_argument("--keep", action="store_true", help="keep the data folder and database afterwards")
    args = ap.parse_args()
    wanted = set(filter(None, args.pages.split(",")))
    pages = [p for p in PAGES if not wanted or p[0] in wanted]

    data = Path(tempfile.mkdtemp(prefix="gefeng-load."))
    (data / "static").mkdir()
    server = None
    try:
        if args.url:
            parsed = urllib.parse.urlparse(args.url)
            host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
            env = {**os.environ}
            known = {"member": "1", "id_tail": "0000", "campaign": "1"}
        else:
            env = prepare(args, data)
            known = ids(env)
            host, port = "127.0.0.1", free_port()
            server = start_server(env, port, args.workers)
        vendor = "PostgreSQL" if args.postgres else "SQLite"
        print(f"database: {vendor}; workers: {args.workers}; load average {loadavg()}")
        for users in args.users:
            print(f"\n{users} concurrent users, {args.seconds:.0f} s per page")
            print(f"{'page':24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'KB':>6} {'÷ login':>8}")
            before = asyncio.run(measure(host, port, *BASELINE, users, args.seconds))
            rows = []
            for name, account, path in pages:
                rows.append(asyncio.run(measure(host, port, name, account, path.format(**known), users, args.seconds)))
            after = asyncio.run(measure(host, port, *BASELINE, users, args.seconds))
            base = statistics.mean([before.rps, after.rps])
            for r in [before, *rows, after]:
                kb = r.bytes / max(1, r.requests) / 1024
                print(
                    f"{r.name:24} {r.rps:7.1f} {r.pct(0.5):7.1f} {r.pct(0.95):7.1f} {r.pct(0.99):7.1f} "
                    f"{kb:6.1f} {r.rps / base:7.2f}×"
                )
            slow = [r.name for r in rows if r.pct(0.95) >= (150 if not args.members else 300)]
            thin = [r.name for r in rows if r.rps < base / 3]
            print(
                f"p95 over target: {', '.join(slow) or 'none'}; below ⅓ of the login page: {', '.join(thin) or 'none'}"
            )
        if server is not None:
            peaks = peak_rss_mb(worker_pids(server))
            print(f"\npeak RSS of the web workers: {', '.join(f'{p:.0f} MB' for p in peaks)}")
        print(f"load average {loadavg()}")
    except PageFailed as exc:
        raise SystemExit(f"停止：{exc}") from None
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
            if args.postgres and not args.url:
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"])


if __name__ == "__main__":
    main()
