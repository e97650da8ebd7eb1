#!/usr/bin/env python3
"""The case archive at scale on PostgreSQL: 1,000,000 cases generated on the
server (generate_series), then over loopback the median time of a customer's
history lookup (in process, as a call makes it: tests/scale.rs, built with
--release) and `commitments --due` (a day's listing and the whole backlog;
whole `defuse` processes, and in process), each
query's `EXPLAIN (ANALYZE, BUFFERS)`, and 16 concurrent processes storing 100
calls each (stores/s, median and p99 store latency) against the server and,
for comparison, against one SQLite file.

    .ci/with-postgres.sh bench/archive-scale-pg.py [CASES]   # default 1000000
    bench/archive-scale-pg.py --stores-only                   # only the 16 x 100
    bench/archive-scale-pg.py --queries-only                  # only the 1M figures

Needs $DEFUSE_TEST_PG (a superuser URL, as .ci/with-postgres.sh exports);
builds its own database `defuse_bench_N` there (kept between runs: drop it to
rebuild). The data has the shape of bench/archive-scale.py's: 100,000
customers, ~10 cases each over three years; per case one remedy and two
follow-ups owned by one of 50 people, all done but the latest 2,000 cases'
(6,000 open, all overdue, so `--due` lists 6,000 rows). Those 2,000 cases
hold a real plan (the listing reads each listed case's language from it);
the others an empty one, to keep the database small.
$DEFUSE_BIN picks the binary (default target/release/defuse).
Prints figures; asserts nothing.
"""
import calendar, importlib.util, os, re, statistics, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFUSE = os.environ.get("DEFUSE_BIN", os.path.join(ROOT, "target", "release", "defuse"))

# A real plan's JSON, made as archive-scale.py makes it.
_spec = importlib.util.spec_from_file_location("scale", os.path.join(ROOT, "bench", "archive-scale.py"))
scale = importlib.util.module_from_spec(_spec)
_argv, sys.argv = sys.argv, [sys.argv[0]]
_spec.loader.exec_module(scale)
sys.argv = _argv
PSQL = "/usr/lib/postgresql/15/bin/psql"
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(ARGS[0]) if ARGS else 1_000_000
CUSTOMERS = max(1, N // 10)
SERVER = os.environ.get("DEFUSE_TEST_PG")
if not SERVER:
    sys.exit("set DEFUSE_TEST_PG (run under .ci/with-postgres.sh)")


def with_db(url, name):
    """The URL with another database name."""
    return re.sub(r"(postgres(?:ql)?://[^/]*)/[^?]*", f"\\1/{name}", url, count=1)


def psql(url, sql, *flags):
    # psql takes libpq's URL; defuse's own options (connect_timeout) are libpq's too.
    out = subprocess.run([PSQL, url, "-X", "-q", "-v", "ON_ERROR_STOP=1", *flags, "-c", sql],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"psql failed: {out.stderr}")
    return out.stdout


DB = with_db(SERVER, f"defuse_bench_{N}")


def build():
    exists = psql(SERVER, f"SELECT 1 FROM pg_database WHERE datname = 'defuse_bench_{N}'", "-tA").strip()
    if exists:
        return
    psql(SERVER, f"CREATE DATABASE defuse_bench_{N}")
    # The schema exactly as defuse makes it (every version, every index).
    subprocess.run([DEFUSE, "archive", "init", DB], check=True, capture_output=True)
    now = int(time.time())
    plan = scale.real_plan()
    start = time.time()
    psql(DB, f"""
        SELECT setseed(0.42);
        INSERT INTO cases (id, case_id, created_at, created_epoch, customer, customer_key, contact, role,
            playbook_id, playbook_version, level, level_rank, authority, grievances, remedies,
            complaint_kind, crisis, at_stake, remedy_sought, impact, our_owner, customer_loss,
            rehearsal, plan_markdown, plan_json, answers_yaml, fingerprint, stored_by, plan_lang)
        SELECT i, to_char(to_timestamp(e) AT TIME ZONE 'UTC', 'YYYYMMDD') || '-case-' || i,
            to_char(to_timestamp(e) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), e,
            'Customer ' || lpad(((i - 1) % {CUSTOMERS})::text, 6, '0'),
            'customer ' || lpad(((i - 1) % {CUSTOMERS})::text, 6, '0'),
            'Contact', 'Role', 'general', '1.0.0',
            (ARRAY['smoke_alarm','concern','serious','fire'])[1 + i % 4], i % 4, 'venting',
            '["venting","not_valued"]', '["listen_first"]', 'unclear', 'none', 'neither', '', '', '', '',
            false, '# plan', CASE WHEN i > {N} - 2000 THEN $plan${plan}$plan$ ELSE '{{}}' END, 'case: {{}}', md5(i::text) || md5((i + 1)::text), 'Rep ' || lpad((i % 50)::text, 2, '0'), 'en'
        FROM (SELECT i, {now} - (random() * 3 * 365 * 86400)::bigint AS e
              FROM generate_series(1, {N}) AS i) AS s;
        SELECT setval(pg_get_serial_sequence('cases', 'id'), {N} + 1, false);
        INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch, done_at, done_by)
        SELECT c.id, k.kind, k.item, 'Follow up', 'Account rep', 'Rep ' || lpad((c.id % 50)::text, 2, '0'),
            to_char(to_timestamp(c.created_epoch + k.secs) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
            c.created_epoch + k.secs,
            CASE WHEN c.id > {N} - 2000 THEN NULL ELSE c.created_at END,
            CASE WHEN c.id > {N} - 2000 THEN NULL ELSE 'bench' END
        FROM cases c CROSS JOIN (VALUES ('remedy', 'listen_first', 1800), ('followup', 'thank_you', 86400),
            ('followup', 'review_30d', 30 * 86400)) AS k(kind, item, secs)
        ORDER BY c.id;
    """)
    psql(DB, "VACUUM ANALYZE")
    size = psql(DB, "SELECT pg_size_pretty(pg_database_size(current_database()))", "-tA").strip()
    print(f"built {N:,} cases on the server in {time.time() - start:.0f} s; database {size}")


def median_ms(cmd, runs=30, env=None):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


CUSTOMER = "Customer 004242"
# The very SQL defuse runs (src/archive/postgres/query.rs, commitments.rs).
HISTORY_SQL = f"""SELECT case_id, created_at, created_epoch, level, grievances, crisis FROM cases
    WHERE customer_key = '{CUSTOMER.lower()}' AND created_epoch < {2**40} AND NOT rehearsal AND void_at IS NULL
    ORDER BY created_epoch DESC LIMIT 500"""
DUE_SQL = f"""SELECT m.id AS number, m.kind AS kind, c.id AS case_number, c.case_id AS case_id,
    c.customer AS customer, m.item_id AS item, m.due AS due, m.action AS action, m.owner AS owner,
    m.owner_name AS owner_name, m.done_at AS done_at, m.done_by AS done_by
    FROM commitments m JOIN cases c ON c.id = m.case_row
    WHERE NOT c.rehearsal AND c.void_at IS NULL AND m.done_at IS NULL AND m.due_epoch < {{cutoff}}
    ORDER BY m.due_epoch, m.id"""


def rows(cmd, env):
    out = subprocess.run(cmd + ["--format", "tsv"], env=env, capture_output=True, text=True, check=True)
    return len(out.stdout.splitlines()) - 1


def queries():
    env = dict(os.environ, DEFUSE_DB=DB)
    print(f"database: {N:,} cases at {DB}")
    print(f"process floor (defuse --version):             {median_ms([DEFUSE, '--version']):6.2f} ms")
    print(f"cases list --customer (a substring: trigrams): {median_ms([DEFUSE, 'cases', 'list', '--customer', CUSTOMER, '--format', 'json'], env=env):6.2f} ms")
    # A day's listing, not the whole backlog: `--now` on the day the
    # 60th and the 600th open commitment fall due (the rows counted).
    nows = []
    for rank in (60, 600):
        due = int(psql(DB, f"SELECT due_epoch FROM commitments WHERE done_at IS NULL ORDER BY due_epoch OFFSET {rank} LIMIT 1", "-tA").strip())
        nows.append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(due)))
    nows.append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    for now in nows:
        cmd = [DEFUSE, "commitments", "--due", "--now", now]
        print(f"commitments --due --now {now} ({rows(cmd, env):,} rows), whole process: {median_ms(cmd + ['--format', 'json'], env=env):6.2f} ms")
    # The same in process (no process start), as the history lookup is.
    figure = subprocess.run(
        ["cargo", "test", "--quiet", "--locked", "--release", "--test", "suite", "at_scale",
         "--", "--ignored", "--nocapture", "--test-threads", "1"],
        cwd=ROOT, env=dict(env, DEFUSE_BENCH_DB=DB, DEFUSE_BENCH_CUSTOMER=CUSTOMER,
                           DEFUSE_BENCH_NOW=",".join(nows)),
        capture_output=True, text=True)
    print("\n".join(l for l in figure.stderr.splitlines() if l.startswith("figure:"))
          or f"in-process figures failed: {figure.stderr[-500:]}")
    # Cases stored before schema 8 have no plan_lang: the listing reads
    # their language from each plan (the cost schema 8 removes).
    psql(DB, f"UPDATE cases SET plan_lang = NULL WHERE id > {N} - 2000")
    print(f"commitments --due, cases from before schema 8: {median_ms([DEFUSE, 'commitments', '--due', '--format', 'json'], env=env):6.2f} ms")
    psql(DB, f"UPDATE cases SET plan_lang = 'en' WHERE id > {N} - 2000")
    mine = dict(env, USER="Rep 00")
    print(f"commitments --mine:                           {median_ms([DEFUSE, 'commitments', '--mine', '--format', 'json'], env=mine):6.2f} ms")
    # `--due`'s cutoff: the end of that (UTC) day.
    day = (calendar.timegm(time.strptime(nows[0], "%Y-%m-%dT%H:%M:%SZ")) // 86400 + 1) * 86400
    for name, sql in (("history (the engine's lookup)", HISTORY_SQL),
                      (f"commitments --due --now {nows[0]}", DUE_SQL.format(cutoff=day)),
                      ("commitments --due, the whole backlog", DUE_SQL.format(cutoff=2**40))):
        plan = psql(DB, f"EXPLAIN (ANALYZE, BUFFERS) {sql}", "-tA")
        print(f"\nEXPLAIN ANALYZE, {name}:\n{plan}")


def storm(db, label, processes=16, each=100):
    """`processes` concurrent workers, each running `each` real `defuse triage
    --answers` stores (distinct calls); returns every store's latency."""
    work = tempfile.mkdtemp(prefix="defuse-storm-")
    answers = os.path.join(work, "a.yaml")
    with open(answers, "w") as f:
        f.write("case: {customer: Storm}\nassess: {our_failure: 'no', role: staff, stakes: [nothing]}\n"
                "grievance: {picked: [venting]}\n")
    env = dict(os.environ, DEFUSE_DB=db)

    def worker(p):
        times, failures = [], []
        for i in range(each):
            # A distinct call: its own call time (one per process and store).
            now = f"2031-{1 + p % 12:02d}-{1 + p // 12:02d}T{i // 60:02d}:{i % 60:02d}:00Z"
            t = time.perf_counter()
            out = subprocess.run([DEFUSE, "triage", "--answers", answers, "--now", now, "--out", "-"],
                                 env=env, capture_output=True, text=True)
            times.append((time.perf_counter() - t) * 1000)
            shown = [l for l in out.stderr.splitlines() if not l.startswith(("Stored", "Created"))]
            if out.returncode != 0 or shown:
                failures.append(f"exit {out.returncode}: {out.stderr.strip()}")
        return times, failures

    start = time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:
        results = list(pool.map(worker, range(processes)))
    wall = time.perf_counter() - start
    times = sorted(t for r in results for t in r[0])
    failures = [f for r in results for f in r[1]]
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"{label:>10}: {len(times)} stores by {processes} processes in {wall:.1f} s = {len(times) / wall:6.1f} stores/s; "
          f"latency median {statistics.median(times):6.1f} ms, p99 {p99:6.1f} ms; failures {len(failures)}")
    for f in failures[:5]:
        print(f"   {f}")
    return work


def stores():
    storm_db = with_db(SERVER, "defuse_bench_storm")
    psql(SERVER, "DROP DATABASE IF EXISTS defuse_bench_storm")
    psql(SERVER, "CREATE DATABASE defuse_bench_storm")
    subprocess.run([DEFUSE, "archive", "init", storm_db], check=True, capture_output=True)
    storm(storm_db, "PostgreSQL")
    n = psql(storm_db, "SELECT count(*) FROM cases", "-tA").strip()
    print(f"            cases on the server: {n}")
    work = tempfile.mkdtemp(prefix="defuse-storm-sqlite-")
    storm(os.path.join(work, "cases.db"), "SQLite")


if "--stores-only" not in sys.argv:
    build()
    queries()
if "--queries-only" not in sys.argv:
    print("\n16 processes x 100 stores (real `defuse triage --answers` processes):")
    stores()
