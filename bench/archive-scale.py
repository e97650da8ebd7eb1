#!/usr/bin/env python3
"""The case archive at scale: 1,000,000 cases, then the median time of a
customer's history lookup, `commitments --due` and `--mine`, a replay that
consults history, a replay of a call already stored, the damage check every
write does first (`PRAGMA quick_check`), the one-case-per-call check a store
does (the fingerprint and case-id lookups), and the first prompt of a live
triage against that archive.

    bench/archive-scale.py [CASES]        # default 1000000
    DEFUSE_BIN=path/to/defuse bench/archive-scale.py   # that binary, no build

Builds the database in $DEFUSE_BENCH_DIR (default /tmp/defuse-bench). Rows are
synthetic but shaped like real ones (100,000 customers, ~10 cases each over
three years; per case one remedy and two follow-ups, owned by one of 50 named
people, all done but the latest 2,000 cases', which hold a real plan: the
listing reads each listed case's language from it).
Prints figures; asserts nothing.
"""
import json, os, random, sqlite3, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.environ.get("DEFUSE_BENCH_DIR", "/tmp/defuse-bench")
DEFUSE = os.environ.get("DEFUSE_BIN", os.path.join(ROOT, "target", "release", "defuse"))
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
DB = os.path.join(WORK, f"cases-{N}.db")
CUSTOMERS = max(1, N // 10)


def real_plan():
    """A real plan's JSON, as `defuse triage` writes it."""
    answers = os.path.join(ROOT, "examples", "general-public.answers.yaml")
    out = subprocess.run([DEFUSE, "triage", "--answers", answers, "--format", "json", "--out", "-", "--no-store"],
                         capture_output=True, text=True, check=True)
    return out.stdout


def build():
    if os.path.exists(DB):
        return
    os.makedirs(WORK, exist_ok=True)
    env = dict(os.environ, DEFUSE_DB=DB)
    # Reads never create an archive, but they upgrade an empty (version 0) file.
    open(DB, "a").close()
    subprocess.run([DEFUSE, "cases", "check"], env=env, check=True, capture_output=True)  # migrates
    random.seed(42)
    conn = sqlite3.connect(DB)
    conn.execute("PRAGMA journal_mode=WAL")
    now = int(time.time())
    levels = ["smoke_alarm", "concern", "serious", "fire"]
    grievances = ["not_valued", "perfunctory", "wasted_time", "lost_face", "real_loss", "venting"]
    plan = real_plan()
    start = time.time()
    cases, commitments = [], []
    for i in range(N):
        customer = f"Customer {i % CUSTOMERS:06d}"
        epoch = now - random.randint(0, 3 * 365 * 86400)
        t = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))
        rank = random.randint(0, 3)
        g = json.dumps(random.sample(grievances, 2))
        cases.append((i + 1, f"{t[:10].replace('-', '')}-case-{i}", t, epoch, customer, customer.lower(), "Contact", "Role",
                      "general", "1.0.0", levels[rank], rank, "venting", g, '["listen_first"]', "unclear", "none", "neither",
                      "", "", "", "", 0, "# plan", plan if i >= N - 2000 else "{}", "case: {}", random.randbytes(32).hex(), "en"))
        done = None if i >= N - 2000 else t
        for kind, item, seconds in (("remedy", "listen_first", 1800), ("followup", "thank_you", 86400), ("followup", "review_30d", 30 * 86400)):
            due = epoch + seconds
            commitments.append((i + 1, kind, item, "Follow up", "Account rep", PEOPLE[i % len(PEOPLE)],
                                time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(due)), due, done, "bench" if done else None))
        if len(cases) == 50_000:
            flush(conn, cases, commitments)
    flush(conn, cases, commitments)
    conn.close()
    print(f"built {N:,} cases in {time.time() - start:.0f} s; database {os.path.getsize(DB) / 1e6:.0f} MB")


# The columns the synthetic rows fill, by name (later schema versions add more).
CASE_COLUMNS = ["id", "case_id", "created_at", "created_epoch", "customer", "customer_key", "contact", "role",
                "playbook_id", "playbook_version", "level", "level_rank", "authority", "grievances", "remedies",
                "complaint_kind", "crisis", "at_stake", "remedy_sought", "impact", "our_owner", "customer_loss",
                "rehearsal", "plan_markdown", "plan_json", "answers_yaml", "fingerprint", "plan_lang"]


# The people owning commitments; `--mine` is run as the first.
PEOPLE = [f"Rep {k:02d}" for k in range(50)]


def flush(conn, cases, commitments):
    conn.executemany(f"INSERT INTO cases ({','.join(CASE_COLUMNS)}) VALUES ({','.join('?' * len(CASE_COLUMNS))})", cases)
    conn.executemany("INSERT INTO commitments (case_row, kind, item_id, action, owner, owner_name, due, due_epoch, done_at, done_by) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?)", commitments)
    conn.commit()
    cases.clear()
    commitments.clear()


def median_ms(cmd, runs=50, env=None):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def quick_check_ms(runs=10):
    """`PRAGMA quick_check`, which every write runs first (Python's SQLite)."""
    times = []
    for _ in range(runs):
        conn = sqlite3.connect(DB)
        t = time.perf_counter()
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        times.append((time.perf_counter() - t) * 1000)
        conn.close()
        assert verdict == "ok", verdict
    return statistics.median(times)


def call_check_ms(runs=2000):
    """What a store adds to find the call already stored: the two indexed
    lookups `Archive::store` runs in its transaction (Python's SQLite; the
    fingerprint itself is computed in Rust, see the notes)."""
    conn = sqlite3.connect(DB)
    hit = conn.execute("SELECT fingerprint, case_id FROM cases WHERE id = ?", (N // 2,)).fetchone()
    times = []
    for i in range(runs):
        fingerprint, case_id = (hit if i % 2 else (random.randbytes(32).hex(), "20300101-0000-nobody-00000000"))
        t = time.perf_counter()
        conn.execute("SELECT id FROM cases WHERE fingerprint = ?1 ORDER BY void_at IS NOT NULL, id LIMIT 1", (fingerprint,)).fetchone()
        conn.execute("SELECT id FROM cases WHERE case_id = ?1 LIMIT 1", (case_id,)).fetchone()
        times.append((time.perf_counter() - t) * 1000)
    conn.close()
    return statistics.median(times)


def main():
    if "DEFUSE_BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    build()
    env = dict(os.environ, DEFUSE_DB=DB)
    customer = "Customer 004242"
    answers = os.path.join(WORK, "history.answers.yaml")
    with open(answers, "w") as f:
        f.write(f'case: {{customer: "{customer}"}}\nassess: {{our_failure: "no", role: staff, stakes: [nothing]}}\ngrievance: {{picked: [venting]}}\n')
    print(f"database: {os.path.getsize(DB) / 1e6:.0f} MB, {N:,} cases")
    print(f"process floor (defuse --version):             {median_ms([DEFUSE, '--version']):6.2f} ms")
    print(f"history lookup (cases list --customer):       {median_ms([DEFUSE, 'cases', 'list', '--customer', customer, '--format', 'json'], env=env):6.2f} ms")
    print(f"commitments --due:                            {median_ms([DEFUSE, 'commitments', '--due', '--format', 'json'], env=env):6.2f} ms")
    mine = dict(env, USER=PEOPLE[0])
    print(f"commitments --mine:                           {median_ms([DEFUSE, 'commitments', '--mine', '--format', 'json'], env=mine):6.2f} ms")
    print(f"commitments --owner 'account rep' --due:      {median_ms([DEFUSE, 'commitments', '--owner', 'account rep', '--due', '--format', 'json'], env=env):6.2f} ms")
    print(f"quick_check (every write's damage check):     {quick_check_ms():6.2f} ms")
    print(f"one case per call (fingerprint + id lookup):  {call_check_ms():6.3f} ms")
    # A replay with history stores a case each run: use a copy so the archive stays as built.
    copy = DB + ".replay"
    subprocess.run(["cp", DB, copy], check=True)
    env_copy = dict(os.environ, DEFUSE_DB=copy)
    replay = [DEFUSE, 'triage', '--answers', answers, '--out', '-']
    print(f"replay that consults history and stores:      {median_ms(replay + ['--now', '2030-01-01T00:00:00Z'], runs=1, env=env_copy):6.2f} ms (one run)")
    print(f"replay of a call already stored:              {median_ms(replay + ['--now', '2030-01-01T00:00:00Z'], runs=20, env=env_copy):6.2f} ms")
    print(f"the same replay, --no-store (no archive):     {median_ms(replay + ['--now', '2030-01-01T00:00:00Z', '--no-store'], runs=20, env=env_copy):6.2f} ms")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "first-prompt.py"), DEFUSE, "100"], env=env, capture_output=True, text=True)
    print(f"with this archive, {out.stdout.strip()}")


if __name__ == "__main__":  # bench/archive-copy.py imports build()
    main()
