"""A county-wide knowledge contest at scale: thousands of participants on their phones at once,
over real HTTP, with a trivial endpoint measured in the same run.

    .venv/bin/python bench/learning_quiz.py                         # SQLite, 3,000 participants, 10-minute window
    .venv/bin/python bench/learning_quiz.py --postgres              # database gefeng_bench_quiz on 127.0.0.1
    .venv/bin/python bench/learning_quiz.py --participants 500 --window 120

It migrates a fresh database (SQLite in a temporary folder, or PostgreSQL as user postgres), makes
a county with unions, `--participants` registry members each bound to a worker account, a
question bank of 300 questions (four kinds, tags, three difficulties) and a published contest
whose paper draws 20 questions by difficulty; then starts `gefeng serve` with 2 workers (the
server a county runs) and no job runner.

Each participant has a real session (a row of Django's session table and of the live-session
registry, as a login makes: logging in is measured by bench/load_pages.py, and Argon2 would
measure the password hash here) and takes the contest as the phone does: opens the contest page
(the CSRF token comes from its form), starts (the server draws the paper and sets the deadline),
opens the paper, thinks, submits the 20 answers in one form, opens the result with the live
ranking. Participants arrive uniformly over the first half of the window and think for 10–40 %
of it, so every paper is submitted inside the window. Requests go through a pool of keep-alive
connections (`--connections`), each request carrying its participant's cookies.

Baseline: `/healthz` (a trivial endpoint with the whole middleware stack and one query), measured
with the same pool before the contest. Results: throughput, p50/p95/p99 per request kind. Then
the database is checked: every submitted paper has exactly one scored `Answer` per question, its
score is the sum of its answers' points, and every answer the client sent is stored as sent —
0 lost or doubled answers is required, and the targets p95 < 200 ms, p99 < 500 ms are checked.
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
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_pages import Conn, free_port, gefeng, loadavg, peak_rss_mb, start_server, worker_pids

ROOT = Path(__file__).resolve().parent.parent
DB = "gefeng_bench_quiz"
QUESTIONS = 20


# ---------------------------------------------------------------------------------- set-up (child)


def _setup(participants: int, window: int) -> dict:
    import datetime as dt

    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from gefeng.accounts.models import RoleGrant, User, UserSession
    from gefeng.core import pii
    from gefeng.core.actors import SYSTEM
    from gefeng.core.validators import id_check_char
    from gefeng.learning import services
    from gefeng.members.models import Member
    from gefeng.orgs import services as org_services
    from gefeng.orgs.models import Kind

    random.Random(320322)

    def node(parent, kind, name, **kw):
        return org_services.orgnode_create(actor=SYSTEM, parent=parent, kind=kind, name=name, audit_it=False, **kw)

    county = node(None, Kind.COUNTY, "沛县", code="320322")
    unions = []
    for t in range(5):
        town = node(county, Kind.TOWN, f"测试镇{t + 1}")
        for e in range(6):
            ent = node(town, Kind.ENTERPRISE, f"测试企业{t + 1}-{e + 1}")
            unions.append(node(ent, Kind.UNION, f"测试企业{t + 1}-{e + 1}工会"))
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                username=f"p{i:05d}",
                name=f"参赛{i}",
                org=unions[i % len(unions)],
                must_change_password=False,
                password_changed_at=now,
                password="!",
            )
            for i in range(participants)
        ],
        batch_size=1000,
    )
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role="worker", confirmed_at=now) for u in users], batch_size=1000)
    members = []
    for i, user in enumerate(users):
        body = f"320322{1970 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        id_number = body + id_check_char(body)
        union = unions[i % len(unions)]
        members.append(
            Member(
                name=f"参赛{i}",
                id_number=id_number,
                id_hash=pii.blind_index(f"{id_number}#{i}"),
                sex="男",
                birth_date=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                union=union,
                enterprise=union.parent,
                joined_on=dt.date(2015, 1, 1),
                user=user,
            )
        )
    Member.objects.bulk_create(members, batch_size=1000)
    kinds = [
        ("single", ["甲", "乙", "丙", "丁"], "B"),
        ("multiple", ["甲", "乙", "丙", "丁"], "ACD"),
        ("judge", [], "对"),
        ("fill", [], "总工会"),
    ]
    for i in range(300):
        kind, options, answer = kinds[i % 4]
        services.question_create(
            actor=SYSTEM,
            org=county,
            kind=kind,
            text=f"第{i + 1}题：职工知识问答",
            options=options,
            answer=answer,
            tags=["安全生产", "工会知识", "学习强国"][i % 3],
            difficulty=1 + i % 3,
        )
    contest = services.contest_create(
        actor=SYSTEM,
        org=county,
        title="全县职工知识竞赛（压力测试）",
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(seconds=window + 600),
        minutes=max(window // 60, 1) + 5,
        draw=[{"difficulty": 1, "count": 8}, {"difficulty": 2, "count": 8}, {"difficulty": 3, "count": 4}],
    )
    services.contest_publish(actor=SYSTEM, contest=contest)
    backend = "gefeng.accounts.backends.GuardedModelBackend"
    keys, rows, live = [], [], []
    expire = now + dt.timedelta(hours=12)
    store = SessionStore()
    for user in users:
        key = store._get_new_session_key() if hasattr(store, "_get_new_session_key") else os.urandom(16).hex()
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": backend,
            "_auth_user_hash": user.get_session_auth_hash(),
            "gefeng_last": time.time() + 3600,
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        live.append(UserSession(session_key=key, user=user, ip="127.0.0.1", user_agent="bench"))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    UserSession.objects.bulk_create(live, batch_size=1000)
    return {"contest": contest.pk, "sessions": keys}


def _check(expected_path: str) -> dict:
    import django

    django.setup()
    from django.db.models import Count, Sum

    from gefeng.learning.models import Answer, Attempt

    expected = json.loads(Path(expected_path).read_text())
    attempts = {a.pk: a for a in Attempt.objects.filter(status="submitted")}
    per = {r["attempt_id"]: r for r in Answer.objects.values("attempt_id").annotate(n=Count("id"), s=Sum("points"))}
    stored = defaultdict(dict)
    for aid, qid, resp in Answer.objects.values_list("attempt_id", "question_id", "response").iterator(chunk_size=5000):
        stored[aid][qid] = resp
    problems = []
    for aid, a in attempts.items():
        row = per.get(aid, {"n": 0, "s": 0})
        if row["n"] != len(a.questions):
            problems.append(f"attempt {aid}: {row['n']} answers for {len(a.questions)} questions")
        if (row["s"] or 0) != a.score:
            problems.append(f"attempt {aid}: score {a.score} != sum of points {row['s']}")
    sent = lost = 0
    for aid, answers in expected.items():
        for qid, resp in answers.items():
            sent += 1
            if stored.get(int(aid), {}).get(int(qid)) != resp:
                lost += 1
    missing = [aid for aid in expected if int(aid) not in attempts]
    return {
        "submitted": len(attempts),
        "answers_rows": sum(r["n"] for r in per.values()),
        "answers_sent": sent,
        "lost": lost,
        "papers_missing": len(missing),
        "problems": problems[:10],
    }


# ---------------------------------------------------------------------------------- the run


class Pool:
    def __init__(self, host: str, port: int, size: int) -> None:
        self.free: asyncio.Queue[Conn] = asyncio.Queue()
        for _ in range(size):
            self.free.put_nowait(Conn(host, port))

    async def request(self, cookies: dict, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        conn = await self.free.get()
        try:
            conn.cookies = cookies
            t0 = time.perf_counter()
            status, head, data = await conn.request(method, path, body, headers)
            return status, head, data, time.perf_counter() - t0
        finally:
            self.free.put_nowait(conn)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(len(xs) * p) - 1))] * 1000 if xs else float("nan")


async def baseline(pool: Pool, n: int, cookies: dict) -> list[float]:
    lat: list[float] = []

    async def one():
        status, _h, _d, t = await pool.request(dict(cookies), "GET", "/healthz")
        assert status == 200, status
        lat.append(t)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return [*lat, time.perf_counter() - started]


async def participant(pool: Pool, key: str, contest: int, at: float, think: float, stats, sent, errors) -> None:
    await asyncio.sleep(at)
    cookies = {"sessionid": key}

    async def call(kind, method, path, body=b"", headers=None, ok=(200,)):
        status, head, data, t = await pool.request(cookies, method, path, body, headers)
        stats[kind].append(t)
        if status not in ok:
            raise RuntimeError(f"{kind} {path}: HTTP {status}")
        return head, data

    try:
        _h, page = await call("contest", "GET", f"/learning/m/contests/{contest}/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode()
        head, _d = await call("start", "POST", f"/learning/m/contests/{contest}/start/", body, form, ok=(302,))
        paper_path = urllib.parse.urlparse(head["location"]).path
        aid = int(re.search(r"/attempts/(\d+)/", paper_path).group(1))
        _h, paper = await call("paper", "GET", paper_path)
        names = dict.fromkeys(re.findall(rb'name="(q\d+)"', paper))
        if len(names) != QUESTIONS:
            raise RuntimeError(f"paper {aid}: {len(names)} questions")
        await asyncio.sleep(think)
        rng = random.Random(aid)
        answers = {}
        pairs = [("csrfmiddlewaretoken", token)]
        for raw in names:
            name = raw.decode()
            value = rng.choice(["A", "B", "对", "总工会", "ACD", "错"])
            answers[name[1:]] = value
            pairs.append((name, value))
        body = urllib.parse.urlencode(pairs).encode()
        await call("submit", "POST", f"/learning/m/attempts/{aid}/submit/", body, form, ok=(302,))
        _h, result = await call("result", "GET", f"/learning/m/attempts/{aid}/result/")
        if "当前排名第".encode() not in result:
            raise RuntimeError(f"result {aid}: not scored")
        sent[str(aid)] = answers
    except Exception as exc:
        errors.append(str(exc))


async def run(port: int, setup: dict, args) -> tuple[dict, list[float], float, dict, list[str]]:
    pool = Pool("127.0.0.1", port, args.connections)
    keys = setup["sessions"]
    base = await baseline(pool, 200, {"sessionid": keys[0]})  # warm-up
    base = await baseline(pool, args.baseline, {"sessionid": keys[0]})
    base_seconds = base.pop()
    stats: dict[str, list[float]] = defaultdict(list)
    sent: dict[str, dict] = {}
    errors: list[str] = []
    rng = random.Random(7)
    started = time.perf_counter()
    await asyncio.gather(
        *(
            participant(
                pool,
                key,
                setup["contest"],
                rng.uniform(0, args.window * 0.5),
                rng.uniform(0.1, 0.4) * args.window,
                stats,
                sent,
                errors,
            )
            for key in keys
        )
    )
    elapsed = time.perf_counter() - started
    return stats, [*base, base_seconds], elapsed, sent, errors


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_setup":
        print(json.dumps(_setup(int(sys.argv[2]), int(sys.argv[3]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_check":
        print(json.dumps(_check(sys.argv[2])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--window", type=int, default=600, help="seconds (the contest's answering window)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--baseline", type=int, default=3000, help="requests to /healthz")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="gefeng-bench-quiz-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEFENG_")}
    env |= {"GEFENG_ENV_FILE": "/dev/null", "GEFENG_DATA_DIR": str(data), "PYTHONDONTWRITEBYTECODE": "1"}
    if args.postgres:
        env["GEFENG_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
        for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    server = None
    try:
        t0 = time.perf_counter()
        gefeng(env, "migrate", "-v", "0")
        out = subprocess.run(
            [sys.executable, __file__, "_setup", str(args.participants), str(args.window)],
            env=env | {"DJANGO_SETTINGS_MODULE": "gefeng.settings"},
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        setup = json.loads(out.strip().splitlines()[-1])
        print(
            f"{'PostgreSQL' if args.postgres else 'SQLite'}: {args.participants} participants, window {args.window} s, "
            f"set up in {time.perf_counter() - t0:.0f} s"
        )
        port = free_port()
        server = start_server(env, port, args.workers)
        stats, base, elapsed, sent, errors = asyncio.run(run(port, setup, args))
        base_seconds = base.pop()
        pids = worker_pids(server)
        rss = peak_rss_mb(pids)
        expected = data / "expected.json"
        expected.write_text(json.dumps(sent))
        check = json.loads(
            subprocess.run(
                [sys.executable, __file__, "_check", str(expected)],
                env=env | {"DJANGO_SETTINGS_MODULE": "gefeng.settings"},
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        total = sum(len(v) for v in stats.values())
        print(f"load average {loadavg()}; worker peak RSS {', '.join(f'{m:.0f}' for m in rss)} MB")
        print(f"{'request':<10}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
        print(
            f"{'healthz':<10}{len(base):>8}{pct(base, 0.5):>10.1f}{pct(base, 0.95):>10.1f}{pct(base, 0.99):>10.1f}"
            f"   baseline: {len(base) / base_seconds:.0f} req/s flat out"
        )
        everything: list[float] = []
        for kind in ("contest", "start", "paper", "submit", "result"):
            xs = stats[kind]
            everything += xs
            print(f"{kind:<10}{len(xs):>8}{pct(xs, 0.5):>10.1f}{pct(xs, 0.95):>10.1f}{pct(xs, 0.99):>10.1f}")
        print(
            f"{'all':<10}{total:>8}{pct(everything, 0.5):>10.1f}{pct(everything, 0.95):>10.1f}{pct(everything, 0.99):>10.1f}"  # noqa: E501
            f"   {total / elapsed:.1f} req/s over {elapsed:.0f} s"
        )
        print(
            f"papers submitted {check['submitted']} of {args.participants}; answers sent {check['answers_sent']}, "
            f"stored {check['answers_rows']}, lost {check['lost']}; client errors {len(errors)}"
        )
        for e in errors[:5]:
            print("  error:", e)
        for p in check["problems"]:
            print("  problem:", p)
        ok = (
            pct(everything, 0.95) < 200
            and pct(everything, 0.99) < 500
            and check["lost"] == 0
            and not errors
            and not check["problems"]
            and check["submitted"] == args.participants
        )
        print("targets (p95 < 200 ms, p99 < 500 ms, 0 lost answers):", "met" if ok else "NOT met")
        if not ok:
            sys.exit(1)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)
        shutil.rmtree(data, ignore_errors=True)
        if args.postgres:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"])


if __name__ == "__main__":
    main()
