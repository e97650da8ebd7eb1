#!/usr/bin/env python3
"""defuse lint vs check-jsonschema vs ajv-cli on identical synthetic playbooks.

    bench/lint-vs-peers.py [N ...]          # default: 100 1000 10000
    PEERS_FULL=1 bench/lint-vs-peers.py     # also run check-jsonschema at 10,000 (minutes: 44 s per 1,000 files here)

Installs the peers into $DEFUSE_BENCH_DIR (default /tmp/defuse-bench): a
Python venv with check-jsonschema and an npm prefix with ajv-cli. Prints the
median wall time, peak RSS and ratio for each tool at each N. Asserts nothing.
"""
import os, time, shutil, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.environ.get("DEFUSE_BENCH_DIR", "/tmp/defuse-bench")
SCHEMA = os.path.join(ROOT, "playbooks", "playbook.schema.json")
DEFUSE = os.path.join(ROOT, "target", "release", "defuse")
SIZES = [int(n) for n in sys.argv[1:]] or [100, 1000, 10000]
FULL = os.environ.get("PEERS_FULL") == "1"


def sh(*cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def install():
    os.makedirs(WORK, exist_ok=True)
    venv = os.path.join(WORK, "venv")
    if not os.path.exists(os.path.join(venv, "bin", "check-jsonschema")):
        sh(sys.executable, "-m", "venv", venv)
        sh(os.path.join(venv, "bin", "pip"), "install", "-q", "check-jsonschema")
    npm = os.path.join(WORK, "npm")
    if not os.path.exists(os.path.join(npm, "node_modules", ".bin", "ajv")):
        sh("npm", "install", "-s", "--prefix", npm, "ajv-cli@5", "ajv-formats@3")
    sh("cargo", "build", "--release", "--locked", "--quiet", cwd=ROOT)
    return os.path.join(venv, "bin", "check-jsonschema"), os.path.join(npm, "node_modules", ".bin", "ajv")


def corpus(n):
    d = os.path.join(WORK, f"corpus-{n}")
    if not os.path.isdir(d) or len(os.listdir(d)) != n:
        shutil.rmtree(d, ignore_errors=True)
        sh(sys.executable, os.path.join(ROOT, "bench", "gen-playbooks.py"), str(n), d)
    return d


def measure(cmd, runs):
    """Median wall seconds and max peak RSS (KB) over `runs` runs."""
    walls, rss = [], []
    for _ in range(runs):
        # Wall time from here (GNU time prints 10 ms steps); peak RSS from time.
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if out.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed ({out.returncode}):\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        rss.append(int(out.stderr.strip().splitlines()[-1]))
    return statistics.median(walls), max(rss)


def main():
    cjs, ajv = install()
    print(f"{'N':>6}  {'tool':<18} {'median s':>9} {'peak RSS MB':>12} {'vs defuse':>10}")
    for n in SIZES:
        d = corpus(n)
        files = sorted(os.path.join(d, f) for f in os.listdir(d))
        tools = [
            ("defuse lint", [DEFUSE, "lint", d], 5),
            ("ajv-cli", [ajv, "validate", "--spec=draft2020", "--strict=false", "-s", SCHEMA, "-d", os.path.join(d, "*.yaml")], 3),
        ]
        if n <= 1000 or FULL:
            tools.append(("check-jsonschema", [cjs, "--schemafile", SCHEMA, *files], 3 if n <= 1000 else 1))
        base = None
        for name, cmd, runs in tools:
            wall, peak = measure(cmd, runs)
            base = base or wall
            print(f"{n:>6}  {name:<18} {wall:>9.3f} {peak / 1024:>12.1f} {wall / base:>9.1f}x", flush=True)
        if n > 1000 and not FULL:
            print(f"{n:>6}  {'check-jsonschema':<18} {'skipped (PEERS_FULL=1 runs it; ~44 s per 1,000 files)':>33}")


main()
