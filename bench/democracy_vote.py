"""A county-wide secret vote on phones: thousands of representatives casting at once, over real HTTP.

    .venv/bin/python bench/democracy_vote.py                         # 5,000 voters, SQLite
    .venv/bin/python bench/democracy_vote.py --postgres              # database gefeng_bench_vote
    .venv/bin/python bench/democracy_vote.py --voters 2000 --concurrency 100

It migrates a fresh database (SQLite in a temporary folder, or PostgreSQL on 127.0.0.1:5432 as user
postgres) and makes, with the module's services where they matter: a congress of `--voters`
representatives (registry members with worker accounts, bulk-inserted), a meeting opened by the
chair with every representative signed in, and one secret motion opened by the chair (which makes
the ballot slots). Each voter gets a real logged-in session (session row, live-session row, the
session's auth hash), as a login would leave it. Then `gefeng serve` starts with 2 web workers.

Every voter does what the phone does: GET the ballot page (its CSRF token), then POST a choice
(赞成/反对/弃权 drawn at random) and reads the receipt code from the answer; `--concurrency`
voters are in flight at any time, all `--voters` are released together. `--doubles` voters also
send a second POST at the same moment as the first: exactly one of the two must succeed.

Baseline: the trivial health endpoint (`/healthz`, one `SELECT 1`) requested the same number of
times at the same concurrency, in the same run, before the vote.

Checks after the vote, from the database: every receipt a voter got is on exactly one ballot with
the choice that voter sent, ballots = "has voted" rows = accepted casts, no second ballot from a
double sender; then the chair closes the motion through the service and its result must equal the
driver's own count of the choices sent. Targets: all voters in ≤ 60 s, p99 of the POST < 300 ms, 0 lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_pages import Conn, free_port, loadavg, peak_rss_mb, worker_pids

ROOT = Path(__file__).resolve().parent.parent
DB = "gefeng_bench_vote"


# ---------------------------------------------------------------------------------- inside Django


def setup(n: int, out: Path) -> None:
    """Make the congress, the voters with sessions, an open secret motion; write ids to out/setup.json."""
    import django

    django.setup()
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from gefeng.accounts.models import RoleGrant, User, UserSession
    from gefeng.core import pii
    from gefeng.core.actors import SYSTEM
    from gefeng.core.people import PersonFactory
    from gefeng.democracy import services
    from gefeng.democracy.models import Attendance, Constituency, Representative
    from gefeng.members import idtail
    from gefeng.members.models import Member
    from gefeng.members.services import search_columns
    from gefeng.orgs import services as orgs
    from gefeng.orgs.models import Kind

    t0 = time.perf_counter()
    with transaction.atomic():
        county = orgs.orgnode_create(
            actor=SYSTEM, parent=None, kind=Kind.COUNTY, name="沛县", code="320322", audit_it=False
        )
        ent = orgs.orgnode_create(
            actor=SYSTEM, parent=county, kind=Kind.ENTERPRISE, name="徐州恒辉编织机械有限公司",
            code="91320322710079198U", employee_count=n * 10, audit_it=False,
        )  # fmt: skip
        union = orgs.orgnode_create(actor=SYSTEM, parent=ent, kind=Kind.UNION, name="恒辉编织工会", audit_it=False)
        unusable = make_password(None)
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(
                    username=f"v{i:05d}",
                    name="代表",
                    org=ent,
                    password=unusable,
                    password_changed_at=now,
                    must_change_password=False,
                )
                for i in range(n)
            ],
            batch_size=1000,
        )
        if users[0].pk is None:  # SQLite before 3.35 gives no ids back
            users = list(User.objects.filter(username__startswith="v").order_by("username"))
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=u, role="worker", confirmed_at=now) for u in users], batch_size=1000
        )
        people = PersonFactory(20201225).people(n, born_between=(1970, 1995))
        rows = []
        for u, p in zip(users, people, strict=True):
            cols = search_columns(p.name)
            t4, t5, t6 = idtail.digests(p.id_number)
            rows.append(
                Member(
                    name=p.name,
                    **cols,
                    id_number=p.id_number,
                    id_hash=pii.blind_index(p.id_number),
                    id_tail4=t4,
                    id_tail5=t5,
                    id_tail6=t6,
                    sex=p.sex,
                    birth_date=p.birth_date,
                    union=union,
                    enterprise=ent,
                    user=u,
                    joined_on=p.joined_on,
                    job_category="一线工人",
                )
            )
        Member.objects.bulk_create(rows, batch_size=1000)
        members = dict(Member.objects.filter(union=union).values_list("user_id", "pk"))
        congress = services.congress_create(
            actor=SYSTEM, org=ent, term_start=dt.date(2024, 1, 1), term_end=dt.date(2028, 12, 31),
            employee_count=n * 10, ratio_per=10, min_seats=1,
        )  # fmt: skip
        place = Constituency.objects.create(congress=congress, name="全体", employees=n * 10, seats=n)
        Representative.objects.bulk_create(
            [
                Representative(
                    congress=congress,
                    constituency=place,
                    member_id=members[u.pk],
                    name="代表",
                    frontline=True,
                    elected_on=dt.date(2024, 1, 1),
                )
                for u in users
            ],
            batch_size=1000,
        )
        meeting = services.meeting_create(actor=SYSTEM, congress=congress, kind="congress", date_on=dt.date.today())
        services.materials_publish(actor=SYSTEM, meeting=meeting, materials="表决事项说明", sent_on=dt.date.today())
        services.meeting_open(actor=SYSTEM, meeting=meeting)
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, representative=r, method="qr") for r in congress.representatives.all()],
            batch_size=1000,
        )
        motion = services.motion_create(actor=SYSTEM, meeting=meeting, title="县域职工代表大会表决事项")
        services.motion_open(actor=SYSTEM, motion=motion)
    options = {o.code: o.pk for o in motion.options.all()}
    sessions = []
    backend = "gefeng.accounts.backends.GuardedModelBackend"
    for u in users:
        s = SessionStore()
        s["_auth_user_id"], s["_auth_user_backend"] = str(u.pk), backend
        s["_auth_user_hash"], s["gefeng_last"] = u.get_session_auth_hash(), time.time()
        s.create()
        sessions.append(s.session_key)
    UserSession.objects.bulk_create(
        [UserSession(session_key=k, user=u, ip="127.0.0.1") for k, u in zip(sessions, users, strict=True)],
        batch_size=1000,
    )
    (out / "setup.json").write_text(json.dumps({"motion": motion.pk, "options": options, "sessions": sessions}))
    print(f"setup: {n:,} representatives with sessions, motion open, in {time.perf_counter() - t0:.0f} s")


def verify(out: Path) -> None:
    """Compare the database with what the driver sent and got; then close the motion and compare the result."""
    import django

    django.setup()
    from collections import Counter

    from gefeng.core.actors import SYSTEM
    from gefeng.democracy import services
    from gefeng.democracy.models import Ballot, Motion, Option, VoteCast

    info = json.loads((out / "setup.json").read_text())
    sent = json.loads((out / "sent.json").read_text())  # receipt → option id
    motion = Motion.objects.get(pk=info["motion"])
    ballots = dict(Ballot.objects.filter(motion=motion, filled=True).values_list("receipt", "choices"))
    casts = VoteCast.objects.filter(motion=motion).count()
    problems = []
    if len(ballots) != len(sent):
        problems.append(f"ballots {len(ballots)} ≠ accepted casts {len(sent)}")
    if casts != len(sent):
        problems.append(f"has-voted rows {casts} ≠ accepted casts {len(sent)}")
    wrong = [r for r, o in sent.items() if ballots.get(r) != [o]]
    if wrong:
        problems.append(f"{len(wrong)} receipts missing or with another choice")
    services.motion_close(actor=SYSTEM, motion=motion)
    result = dict(Option.objects.filter(motion=motion).values_list("pk", "votes"))
    expected = Counter(sent.values())
    if any(result[int(k)] != expected.get(int(k), 0) for k in result):
        problems.append(f"result {result} ≠ sent {dict(expected)}")
    motion.refresh_from_db()
    print(
        f"verified: {len(ballots):,} ballots, {casts:,} has-voted rows, {len(sent):,} receipts; result "
        f"{motion.result['phone']:,} phone ballots; {motion.reason}"
    )
    if problems:
        raise SystemExit("FAILED: " + "; ".join(problems))
    print("tally equals the casts exactly: 0 lost, 0 doubled")


# ---------------------------------------------------------------------------------- the driver


def pct(xs: list[float], p: float) -> float:
    return xs[min(len(xs) - 1, max(0, round(len(xs) * p) - 1))] if xs else float("nan")


async def baseline(host: str, port: int, n: int, concurrency: int) -> tuple[float, list[float]]:
    queue = list(range(n))
    lat: list[float] = []

    async def user() -> None:
        conn = Conn(host, port)
        while queue:
            queue.pop()
            t0 = time.perf_counter()
            status, _h, _b = await conn.request("GET", "/healthz")
            lat.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise SystemExit(f"/healthz 答复 {status}")
        await conn.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(concurrency)))
    return time.perf_counter() - t0, sorted(lat)


async def vote(host, port, info, concurrency, doubles, seed):
    """Phase 1: every voter opens the ballot page (as the phones do while the chair reads the
    item). Phase 2, timed: all cast, `concurrency` in flight at once."""
    rng = random.Random(seed)
    motion, options = info["motion"], info["options"]
    choice_ids = [options["yes"], options["no"], options["abstain"]]
    voters = list(enumerate(info["sessions"]))
    rng.shuffle(voters)
    double_set = {i for i, _k in voters[:doubles]}
    get_lat: list[float] = []
    post_lat: list[float] = []
    sent: dict[str, int] = {}
    refused_doubles = 0
    errors: list[str] = []
    path = f"/democracy/w/motions/{motion}/vote/"
    referer = f"http://{host}:{port}{path}"
    ready: dict[int, tuple[dict[str, str], str]] = {}
    sem = asyncio.Semaphore(concurrency)

    async def open_ballot(i: int, key: str) -> None:
        async with sem:
            conn = Conn(host, port, cookies={"sessionid": key})
            t0 = time.perf_counter()
            status, _h, page = await conn.request("GET", path)
            get_lat.append((time.perf_counter() - t0) * 1000)
            await conn.close()
            m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if status != 200 or m is None:
                errors.append(f"GET {status}")
                return
            ready[i] = (dict(conn.cookies), m.group(1).decode())

    async def post(cookies: dict[str, str], token: str, choice: int):
        conn = Conn(host, port, cookies=cookies)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "choice": choice}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer}
        t0 = time.perf_counter()
        status, _h, page = await conn.request("POST", path, body, headers)
        post_lat.append((time.perf_counter() - t0) * 1000)
        await conn.close()
        return status, page

    async def cast(i: int) -> None:
        nonlocal refused_doubles
        cookies, token = ready[i]
        choice = rng.choice(choice_ids)
        async with sem:
            if i in double_set:
                answers = await asyncio.gather(post(cookies, token, choice), post(dict(cookies), token, choice))
            else:
                answers = [await post(cookies, token, choice)]
        got = 0
        for status, page in answers:
            r = re.search(rb'data-testid="receipt"[^>]*>([A-Z0-9]{10})<', page)
            if status == 200 and r:
                sent[r.group(1).decode()] = choice
                got += 1
            elif status == 400 and "只能投一次".encode() in page:
                refused_doubles += 1
            else:
                errors.append(f"POST {status}")
        if got != 1:
            errors.append(f"voter {i}: {got} receipts")

    t0 = time.perf_counter()
    await asyncio.gather(*(open_ballot(i, k) for i, k in voters))
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    await asyncio.gather(*(cast(i) for i, _k in voters if i in ready))
    took = time.perf_counter() - t0
    return opened, took, sorted(get_lat), sorted(post_lat), sent, refused_doubles, errors


# ---------------------------------------------------------------------------------- main


def django_env(data: Path, postgres: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEFENG_")}
    env |= {"GEFENG_ENV_FILE": "/dev/null", "GEFENG_DATA_DIR": str(data), "PYTHONDONTWRITEBYTECODE": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "gefeng.settings"
    if postgres:
        env["GEFENG_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    return env


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    log = open(Path(env["GEFENG_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "gefeng.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--no-worker", "--no-migrate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gefeng serve 未在 60 秒内启动，见 serve.log")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--voters", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=64, help="voters in flight at once")
    ap.add_argument("--doubles", type=int, default=50, help="voters who send their ballot twice at once")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--_setup", default="", help=argparse.SUPPRESS)
    ap.add_argument("--_verify", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._setup:
        return setup(args.voters, Path(args._setup))
    if args._verify:
        return verify(Path(args._verify))

    data = Path(tempfile.mkdtemp(prefix="gefeng-vote."))
    (data / "static").mkdir()
    env = django_env(data, args.postgres)
    server = None
    me = [sys.executable, str(Path(__file__).resolve())]
    try:
        if args.postgres:
            for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
        subprocess.run([sys.executable, "-m", "gefeng.cli", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([*me, "--voters", str(args.voters), "--_setup", str(data)], env=env, check=True, cwd=ROOT)
        if args.postgres:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB, "-qc", "VACUUM ANALYZE"], check=True)
        info = json.loads((data / "setup.json").read_text())
        port = free_port()
        server = start_server(env, port, args.workers)
        vendor = "PostgreSQL" if args.postgres else "SQLite"
        print(f"database: {vendor}; web workers: {args.workers}; concurrency {args.concurrency}; load {loadavg()}")
        asyncio.run(baseline("127.0.0.1", port, 200, args.concurrency))  # warm-up
        b_took, b_lat = asyncio.run(baseline("127.0.0.1", port, args.voters, args.concurrency))
        opened, took, get_lat, post_lat, sent, refused, errors = asyncio.run(
            vote("127.0.0.1", port, info, args.concurrency, args.doubles, 7)
        )
        (data / "sent.json").write_text(json.dumps(sent))
        print(f"\n{'':22} {'requests':>9} {'seconds':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        for name, n, secs, lat in (
            ("baseline /healthz", len(b_lat), b_took, b_lat),
            ("ballot page GET", len(get_lat), opened, get_lat),
            ("vote POST", len(post_lat), took, post_lat),
        ):
            p50, p95, p99 = pct(lat, 0.5), pct(lat, 0.95), pct(lat, 0.99)
            print(f"{name:22} {n:9,} {secs:8.1f} {n / secs:7.1f} {p50:7.1f} {p95:7.1f} {p99:7.1f}")
        print(
            f"\n{len(sent):,} of {args.voters:,} voters voted in {took:.1f} s ({len(sent) / took:.0f} votes/s); "
            f"{refused} of {args.doubles} simultaneous second ballots refused; errors: {len(errors)} {errors[:5]}"
        )
        peaks = peak_rss_mb(worker_pids(server))
        print(f"peak RSS of the web workers: {', '.join(f'{p:.0f} MB' for p in peaks)}; load {loadavg()}")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server = None
        subprocess.run([*me, "--_verify", str(data)], env=env, check=True, cwd=ROOT)
        ok = took <= 60 and pct(post_lat, 0.99) < 300 and len(sent) == args.voters and not errors
        ok = ok and refused == args.doubles
        print("targets (all in ≤ 60 s, p99 < 300 ms, 0 lost, doubles refused):", "met" if ok else "NOT met")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
            if args.postgres:
                subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"])


if __name__ == "__main__":
    main()
