"""Importing a union's member roster (会员花名册) at county and province size.

    .venv/bin/python bench/import_members.py --rows 100000                 # SQLite, xlsx
    .venv/bin/python bench/import_members.py --rows 1000000 --postgres     # database gefeng_bench_import
    .venv/bin/python bench/import_members.py --rows 100000 --format csv --repeat 3

The roster is a clean one in the county's usual columns (bench/make_rosters.py, cached under
bench/out/). A database is made and migrated once with a county → town → enterprise → union; each
measurement then runs in a fresh subprocess on its own copy of that database (SQLite: a copy of
the file; PostgreSQL: CREATE DATABASE … TEMPLATE), so every one starts from an empty registry and
has its own peak memory. Three ways to put the same rows into `members_member`:

(a) gefeng, end to end: `pipeline.run(job)` for an ImportJob in insert mode — read the file
    (core.tabular), validate every row as the form does, seal ID numbers and phones, blind-index
    them, compute the pinyin search columns, stage in chunks, apply in one transaction with the
    membership history and the audit entry.
(b) the raw limit: python-calamine (csv: the csv module) reading the same file and a bare
    `executemany` (SQLite) or `COPY` (PostgreSQL) of the same columns. Minimal conversion only:
    values as they come, skill level label → its one-character code, 是/否 → boolean, the birth
    date and sex sliced from the ID number (the table needs them); the plain ID number stands in
    for its hash (the unique column), nothing is validated, sealed or hashed.
(c) django-import-export with its defaults: a `ModelResource` for Member mapping the same
    columns, the file loaded by tablib (openpyxl for xlsx), `import_data(dataset, dry_run=False)`.
    It cannot derive the registry's columns, so `before_import_row` maps the skill level and 是/否
    like (b) and `before_save_instance` sets the union, the birth date and sex from the ID number
    and the two blind indexes; the ID number and phone are sealed by the model field itself on
    save. No validation, no search columns, no history. For more than 10⁵ rows it runs on the
    file's first 10⁵ rows (the same people: rosters of one seed share their prefix) and its
    rate is extrapolated linearly — it would take a quarter of an hour per 10⁶ rows otherwise.

Prints rows/s of each, gefeng ÷ import-export (target ≥ 10×), raw ÷ gefeng (target ≤ 2.5×), and
for 10⁶ xlsx rows whether gefeng finished within 60 s with peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PG_DB = "gefeng_bench_import"
PG_RUN = "gefeng_bench_import_run"
PG_URL = "postgres://postgres@127.0.0.1:5432/{}"
BASELINE_SAMPLE = 100_000
SKILL_CODES = {
    "五级/初级工": "5",
    "四级/中级工": "4",
    "三级/高级工": "3",
    "二级/技师": "2",
    "一级/高级技师": "1",
}


# ---------------------------------------------------------------- files and databases


def roster(rows: int, fmt: str) -> Path:
    """The clean roster of `rows` rows (seed 320322), generated once into bench/out/."""
    path = OUT / f"roster-{rows}.{fmt}"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        print(f"generating {path.name} (10⁶ xlsx rows take ~3 min) …", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / "make_rosters.py"), "--rows", str(rows), "--format", fmt, "--out", str(tmp)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tmp.rename(path)
    return path


def psql(sql: str, db: str = "test") -> None:
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qc", sql], check=True, env=env)


def django_setup(url: str | None, data_dir: str) -> None:
    os.environ["GEFENG_DATA_DIR"] = data_dir
    os.environ["GEFENG_UPLOAD_MAX_MB"] = "2048"  # a 10⁶-row xlsx is ~95 MB; the default cap is 50
    if url:
        os.environ["GEFENG_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gefeng.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare(postgres: bool, data_dir: str) -> tuple[str | None, int]:
    """Make and migrate the template database with county → town → enterprise → union."""
    url = None
    if postgres:
        psql(f"DROP DATABASE IF EXISTS {PG_RUN}")
        psql(f"DROP DATABASE IF EXISTS {PG_DB}")
        psql(f"CREATE DATABASE {PG_DB}")
        url = PG_URL.format(PG_DB)
    django_setup(url, data_dir)
    from django.core.management import call_command
    from django.db import connection

    from gefeng.core.actors import SYSTEM
    from gefeng.orgs import services
    from gefeng.orgs.models import Kind

    call_command("migrate", verbosity=0)
    county = services.orgnode_create(actor=SYSTEM, parent=None, kind=Kind.COUNTY, name="沛县", code="320322")
    town = services.orgnode_create(actor=SYSTEM, parent=county, kind=Kind.TOWN, name="龙固镇")
    enterprise = services.orgnode_create(
        actor=SYSTEM, parent=town, kind=Kind.ENTERPRISE, name="沛县恒盛机械制造有限公司", industry="C"
    )
    union = services.orgnode_create(
        actor=SYSTEM, parent=enterprise, kind=Kind.UNION, name="沛县恒盛机械制造有限公司工会"
    )
    connection.close()
    return url, union.pk


def fresh_copy(postgres: bool, data_dir: str) -> tuple[str | None, str]:
    """An empty registry for one measurement: (database URL, data dir)."""
    run_dir = tempfile.mkdtemp(prefix="gefeng-bench-run-")
    for name in ("secret_key", "pii_key"):  # the same keys as the template's data dir
        if (Path(data_dir) / name).exists():
            shutil.copy(Path(data_dir) / name, Path(run_dir) / name)
    if postgres:
        psql(f"DROP DATABASE IF EXISTS {PG_RUN}")
        psql(f"CREATE DATABASE {PG_RUN} TEMPLATE {PG_DB}")
        return PG_URL.format(PG_RUN), run_dir
    shutil.copy(Path(data_dir) / "gefeng.sqlite3", Path(run_dir) / "gefeng.sqlite3")
    return None, run_dir


# ---------------------------------------------------------------- the three measurements (child side)


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_gefeng(path: Path, union_id: int) -> dict:
    from gefeng.members.imports import pipeline
    from gefeng.members.models import ImportJob, Member

    job = ImportJob.objects.create(
        actor=None, union_id=union_id, filename=path.name, stored=str(path), size=path.stat().st_size
    )
    t0 = time.perf_counter()
    result = pipeline.run(job)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": result.rows, "imported": result.imported, "in_table": Member.objects.count()}


def _raw_rows(path: Path, fmt: str, union_id: int, now):
    """Tuples for RAW_COLUMNS straight from the file (header rows skipped)."""
    import datetime as dt

    if fmt == "xlsx":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name(book.sheet_names[0]).iter_rows()
    else:
        import csv

        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        rows = csv.reader(handle)
    skill = SKILL_CODES
    date = dt.date
    for i, r in enumerate(rows):
        if i < 3:
            continue
        idn = r[3]
        joined = r[13]
        if joined.__class__ is not date:
            joined = date.fromisoformat(joined[:10]) if isinstance(joined, str) else joined.date()
        yield (
            r[1],
            idn,
            idn,  # the unique column wants something unique: the plain number stands in for the hash
            "男" if int(idn[16]) % 2 else "女",
            date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14])),
            r[4],
            r[5],
            r[6],
            str(r[7]),
            "",
            r[8],
            r[9],
            skill.get(r[10], ""),
            r[11],
            r[12] == "是",
            joined,
            str(r[14]),
            union_id,
            False,
            "active",
            now,
            now,
            "",
            "",
            "",
            "",
            "",  # the ID tail hashes: not computed by this baseline either
            "",
            "",
        )


RAW_COLUMNS = (
    "name",
    "id_number",
    "id_hash",
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "education",
    "phone",
    "phone_hash",
    "job_category",
    "occupation",
    "skill_level",
    "new_form_group",
    "migrant",
    "joined_on",
    "card_number",
    "union_id",
    "industrial_worker",
    "status",
    "created_at",
    "updated_at",
    "name_tail1",
    "name_tail2",
    "pinyin",
    "initials",
    "id_tail4",
    "id_tail5",
    "id_tail6",
)


def phase_raw(path: Path, fmt: str, union_id: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from gefeng.members.models import Member

    table = Member._meta.db_table
    cols = ", ".join(RAW_COLUMNS)
    t0 = time.perf_counter()
    rows = _raw_rows(path, fmt, union_id, timezone.now())
    n = 0
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            # The same page cache as the importer's apply step, so only the work differs.
            from gefeng.members.imports.pipeline import SQLITE_APPLY_CACHE_KB

            cur.execute(f"PRAGMA cache_size = -{SQLITE_APPLY_CACHE_KB}")
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(RAW_COLUMNS))})"
            raw = cur.cursor  # the sqlite3 cursor: no Django placeholder rewriting per batch
            sql = sql.replace("%s", "?")
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 5000:
                    raw.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            raw.executemany(sql, batch)
            n += len(batch)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "rows": n, "in_table": Member.objects.count()}


def phase_import_export(path: Path, fmt: str, union_id: int) -> dict:
    import datetime as dt

    import tablib
    from import_export import fields, resources

    from gefeng.core import pii
    from gefeng.members.models import Member

    class MemberResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
        political_status = fields.Field(attribute="political_status", column_name="政治面貌")
        education = fields.Field(attribute="education", column_name="文化程度")
        phone = fields.Field(attribute="phone", column_name="手机号")
        job_category = fields.Field(attribute="job_category", column_name="岗位类别")
        occupation = fields.Field(attribute="occupation", column_name="工种")
        skill_level = fields.Field(attribute="skill_level", column_name="技能等级")
        new_form_group = fields.Field(attribute="new_form_group", column_name="新就业形态群体")
        migrant = fields.Field(attribute="migrant", column_name="是否农民工", widget=resources.widgets.BooleanWidget())
        joined_on = fields.Field(attribute="joined_on", column_name="入会日期", widget=resources.widgets.DateWidget())
        card_number = fields.Field(attribute="card_number", column_name="会员证号")

        class Meta:
            model = Member
            fields = (
                "id",  # the default import_id_fields; the file has no such column, so every row is new
                "name",
                "id_number",
                "ethnicity",
                "political_status",
                "education",
                "phone",
                "job_category",
                "occupation",
                "skill_level",
                "new_form_group",
                "migrant",
                "joined_on",
                "card_number",
            )

        def before_import_row(self, row, **kwargs):
            row["技能等级"] = SKILL_CODES.get(row["技能等级"] or "", "")
            row["是否农民工"] = row["是否农民工"] == "是"
            for key in ("手机号", "会员证号", "民族", "新就业形态群体", "工种"):
                row[key] = "" if row[key] is None else str(row[key])

        def before_save_instance(self, instance, row, **kwargs):
            idn = instance.id_number
            instance.union_id = union_id
            instance.birth_date = dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
            instance.sex = "男" if int(idn[16]) % 2 else "女"
            instance.id_hash = pii.blind_index(idn)
            instance.phone_hash = pii.blind_index(instance.phone)

    t0 = time.perf_counter()
    if fmt == "xlsx":
        with open(path, "rb") as f:
            dataset = tablib.Dataset().load(f, format="xlsx", skip_lines=2)
    else:
        with open(path, encoding="utf-8-sig", newline="") as f:
            dataset = tablib.Dataset().load(f, format="csv", skip_lines=2)
    result = MemberResource().import_data(dataset, dry_run=False)
    seconds = time.perf_counter() - t0
    errors = len(result.base_errors) + len(result.row_errors()) + len(result.invalid_rows)
    return {
        "seconds": seconds,
        "rows": len(dataset),
        "new": result.totals.get("new", 0),
        "errors": errors,
        "in_table": Member.objects.count(),
    }


def cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(args: argparse.Namespace) -> None:
    django_setup(args.db_url or None, args.data_dir)
    path = Path(args.file)
    cpu = cpu_seconds()
    if args.phase == "gefeng":
        out = phase_gefeng(path, args.union)
    elif args.phase == "raw":
        out = phase_raw(path, args.format, args.union)
    else:
        out = phase_import_export(path, args.format, args.union)
    out["peak_rss_mb"] = peak_rss_mb()
    out["cpu_seconds"] = cpu_seconds() - cpu  # this process only (not the PostgreSQL server)
    print(json.dumps(out))


# ---------------------------------------------------------------- the parent


def measure(phase: str, path: Path, fmt: str, postgres: bool, data_dir: str, union: int) -> dict:
    url, run_dir = fresh_copy(postgres, data_dir)
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--file",
        str(path),
        "--format",
        fmt,
        "--data-dir",
        run_dir,
        "--union",
        str(union),
    ]
    if url:
        cmd += ["--db-url", url]
    started = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - started
    shutil.rmtree(run_dir, ignore_errors=True)
    if postgres:
        psql(f"DROP DATABASE IF EXISTS {PG_RUN}")
    if out.get("in_table") != out["rows"]:
        raise SystemExit(f"{phase}: {out['rows']} rows read but {out.get('in_table')} in the table: {out}")
    return out


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--postgres", action="store_true")
    ap.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    ap.add_argument("--skip-baseline", action="store_true", help="skip django-import-export")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each measurement (the median is shown)")
    # internal: one measurement in a fresh process
    ap.add_argument("--phase", choices=("gefeng", "raw", "import_export"), help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--db-url", default="", help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", help=argparse.SUPPRESS)
    ap.add_argument("--union", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        child(args)
        return

    path = roster(args.rows, args.format)
    sample = path
    if not args.skip_baseline and args.rows > BASELINE_SAMPLE:
        sample = roster(BASELINE_SAMPLE, args.format)
    data_dir = tempfile.mkdtemp(prefix="gefeng-bench-import-")
    _url, union = prepare(args.postgres, data_dir)
    db = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"database: {db}; file: {path.name} ({path.stat().st_size / 1e6:.1f} MB); rows: {args.rows:,}; "
        f"load average before: {load()}",
        flush=True,
    )

    phases = [("gefeng", path), ("raw", path)]
    if not args.skip_baseline:
        phases.append(("import_export", sample))
    runs: dict[str, list[dict]] = {p: [] for p, _ in phases}
    for i in range(args.repeat):
        for phase, file in phases:
            out = measure(phase, file, args.format, args.postgres, data_dir, union)
            out["load"] = load()
            runs[phase].append(out)
            rate = out["rows"] / out["seconds"]
            print(
                f"  run {i + 1} {phase:14} {out['rows']:>9,} rows {out['seconds']:8.1f} s {rate:>10,.0f} rows/s "
                f"(cpu {out['cpu_seconds']:6.1f} s) peak {out['peak_rss_mb']:6.0f} MB   load {out['load']}",
                flush=True,
            )

    def rate(phase: str) -> float:
        return statistics.median(r["rows"] / r["seconds"] for r in runs[phase])

    def med(phase: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[phase])

    print()
    print(f"{'import (median of ' + str(args.repeat) + ')':44} {'rows/s':>10} {'seconds':>9} {'peak MB':>8}")
    g = rate("gefeng")
    for phase, label in (
        ("gefeng", "gefeng pipeline.run"),
        (
            "raw",
            "raw limit (calamine + executemany/COPY)"
            if args.format == "xlsx"
            else "raw limit (csv + executemany/COPY)",
        ),
        ("import_export", "django-import-export defaults"),
    ):
        if phase not in runs:
            continue
        r = rate(phase)
        secs = args.rows / r
        note = ""
        if phase == "import_export" and sample != path:
            note = f"  (measured on {BASELINE_SAMPLE:,} rows, extrapolated)"
        print(f"{label[:44]:44} {r:10,.0f} {secs:9.1f} {med(phase, 'peak_rss_mb'):8.0f}{note}")
    raw_ratio = rate("raw") / g
    print(f"raw ÷ gefeng: {raw_ratio:.2f}×  (target ≤ 2.5×: {'met' if raw_ratio <= 2.5 else 'MISSED'})")
    if "import_export" in runs:
        base_ratio = g / rate("import_export")
        print(f"gefeng ÷ import-export: {base_ratio:.1f}×  (target ≥ 10×: {'met' if base_ratio >= 10 else 'MISSED'})")
    if args.rows >= 1_000_000 and args.format == "xlsx":
        secs, peak = med("gefeng", "seconds"), med("gefeng", "peak_rss_mb")
        ok = secs < 60 and peak < 1024
        print(f"10⁶ xlsx rows: {secs:.1f} s, peak {peak:.0f} MB — under 60 s and 1 GB: {'yes' if ok else 'NO'}")
    print(f"load average after: {load()}")
    if args.postgres:
        psql(f"DROP DATABASE IF EXISTS {PG_DB}")
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
