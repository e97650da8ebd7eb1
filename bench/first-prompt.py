#!/usr/bin/env python3
"""Time from launch to the first prompt on screen, through a pseudo-terminal.

    bench/first-prompt.py [BINARY] [RUNS]

Spawns `defuse triage` in a pty, waits for the first question ("Customer") to
be drawn, then kills it. Prints the median, p90 and max in milliseconds. No
assertions: machines are shared and noisy; read the figures.
"""
import os, pty, select, signal, statistics, sys, tempfile, time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/defuse"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
drafts = tempfile.mkdtemp(prefix="defuse-bench-")
env = dict(os.environ, TERM="xterm-256color", DEFUSE_DRAFTS_DIR=drafts, DEFUSE_PLAN_DIR=drafts)


def first_prompt_ms():
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "triage"], env)
    seen = b""
    try:
        while b"Customer" not in seen:
            ready, _, _ = select.select([fd], [], [], 5)
            if not ready:
                raise SystemExit("no prompt within 5 s")
            seen += os.read(fd, 4096)
        return (time.perf_counter() - start) * 1000
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


for _ in range(10):  # warm the page cache
    first_prompt_ms()
times = sorted(first_prompt_ms() for _ in range(runs))
p90 = times[int(len(times) * 0.9) - 1]
print(f"time to first prompt over {runs} runs: median {statistics.median(times):.2f} ms, "
      f"p90 {p90:.2f} ms, max {times[-1]:.2f} ms  ({binary})")
