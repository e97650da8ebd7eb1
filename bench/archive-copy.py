#!/usr/bin/env python3
"""`defuse archive copy` at scale: a CASES-case SQLite archive (built as
bench/archive-scale.py builds it: three commitments a case) copied into a
fresh PostgreSQL database and back into a fresh file, then the same copy run
again (everything already there). For each run: cases/s and peak RSS
(`/usr/bin/time -v`'s "Maximum resident set size").

    .ci/with-postgres.sh bench/archive-copy.py [CASES]   # default 100000

Needs $DEFUSE_TEST_PG (a superuser URL, as .ci/with-postgres.sh exports); the
database `defuse_copy_bench` there is dropped and made anew each run.
$DEFUSE_BIN picks the binary (default target/release/defuse).
Prints figures; asserts nothing.
"""
import importlib.util, os, re, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFUSE = os.environ.get("DEFUSE_BIN", os.path.join(ROOT, "target", "release", "defuse"))
PSQL = "/usr/lib/postgresql/15/bin/psql"
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
SERVER = os.environ.get("DEFUSE_TEST_PG")
if not SERVER:
    sys.exit("set DEFUSE_TEST_PG (run under .ci/with-postgres.sh)")

# The source archive, built by archive-scale.py's generator (kept between runs).
spec = importlib.util.spec_from_file_location("scale", os.path.join(ROOT, "bench", "archive-scale.py"))
scale = importlib.util.module_from_spec(spec)
argv, sys.argv = sys.argv, [sys.argv[0]]
spec.loader.exec_module(scale)
sys.argv = argv
scale.N, scale.CUSTOMERS, scale.DEFUSE = N, max(1, N // 10), DEFUSE
scale.DB = os.path.join(scale.WORK, f"cases-{N}.db")


def psql(sql):
    subprocess.run([PSQL, SERVER, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def timed_copy(label, source, target):
    start = time.monotonic()
    out = subprocess.run(["/usr/bin/time", "-v", DEFUSE, "archive", "copy", "--from", source, "--to", target],
                         capture_output=True, text=True)
    seconds = time.monotonic() - start
    if out.returncode != 0:
        sys.exit(f"{label} failed: {out.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    print(f"{label:34} {seconds:7.1f} s  {N / seconds:8.0f} cases/s  peak RSS {rss / 1024:6.1f} MB")
    print(f"{'':34} {out.stdout.strip()[:160]}")


def main():
    scale.build()
    pg = re.sub(r"(postgres(?:ql)?://[^/]*)/[^?]*", r"\1/defuse_copy_bench", SERVER, count=1)
    psql("DROP DATABASE IF EXISTS defuse_copy_bench WITH (FORCE)")
    psql("CREATE DATABASE defuse_copy_bench")
    back = os.path.join(scale.WORK, f"copy-back-{N}.db")
    for path in (back, back + "-wal", back + "-shm"):
        if os.path.exists(path):
            os.remove(path)
    print(f"{N:,} cases, {os.path.getsize(scale.DB) / 1e6:.0f} MB; binary {DEFUSE}")
    timed_copy("file -> server", scale.DB, pg)
    timed_copy("file -> server again (all there)", scale.DB, pg)
    timed_copy("server -> new file", pg, back)
    timed_copy("server -> file again (all there)", pg, back)


main()
