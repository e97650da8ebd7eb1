#!/usr/bin/env bash
# Startup and replay cost of the release binary: median wall time (hyperfine)
# and peak RSS (/usr/bin/time -v), plus the binary's size. Prints figures;
# asserts nothing (machines are shared and noisy).
#
#   bench/startup.sh            # uses hyperfine if installed (apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet
bin=target/release/defuse
answers=examples/general-fire.answers.yaml
replay=("$bin" triage --answers "$answers" --out -)

printf 'binary size: %s bytes\n' "$(stat -c %s "$bin")"

peak_rss() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2 " KB"}'
}
printf 'peak RSS, --version: %s\n' "$(peak_rss "$bin" --version)"
printf 'peak RSS, replay:    %s\n' "$(peak_rss "${replay[@]}")"

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 20 --runs 300 -N --export-json /tmp/defuse-startup.json \
        "$bin --version" "${replay[*]}" >/dev/null
    python3 - <<'PY'
import json
for r in json.load(open("/tmp/defuse-startup.json"))["results"]:
    print(f"median {r['median']*1000:7.2f} ms  (min {r['min']*1000:.2f}, max {r['max']*1000:.2f})  {r['command']}")
PY
else
    python3 - "$bin" "$answers" <<'PY'
import statistics, subprocess, sys, time
bin, answers = sys.argv[1], sys.argv[2]
for cmd in ([bin, "--version"], [bin, "triage", "--answers", answers, "--out", "-"]):
    runs = []
    for _ in range(300):
        t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True); runs.append(time.perf_counter() - t)
    print(f"median {statistics.median(runs)*1000:7.2f} ms  {' '.join(cmd)}")
PY
fi
