#!/usr/bin/env bash
# A live call's wait at its end when the team's server never answers: the
# time from the last answer to the outbox line ("Not stored on the server
# (…)"), for a black hole (accepts TCP, never answers) and for a server
# that completes the login and then goes silent. The issue's goal: at most
# 2.5 s. Runs the PTY tests that measure it (tests/pty.rs) RUNS times
# (default 3) and prints their figures; asserts nothing (shared machines).
#
#   .ci/with-postgres.sh bench/store-deadline.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
if [[ -z ${DEFUSE_TEST_PG:-} ]]; then
    echo "needs a test server: .ci/with-postgres.sh $0 [RUNS]" >&2
    exit 2
fi
tests=(
    pty::a_black_hole_server_never_holds_up_a_live_call_and_the_case_waits_in_the_outbox
    pty::a_server_silent_after_the_login_never_holds_up_a_live_call
)
cargo test --locked --quiet --test suite --no-run 2>/dev/null
for _ in $(seq "$runs"); do
    cargo test --locked --quiet --test suite -- --exact "${tests[@]}" \
        --nocapture --test-threads=1 2>&1 | grep -o 'figure: .*'
done
