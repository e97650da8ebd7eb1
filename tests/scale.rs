//! Figures at scale, printed, never asserted: run by `bench/archive-scale-pg.py`
//! against its 1,000,000-case database. In process, as the bench's whole
//! `defuse` processes are timed beside them: the difference is the
//! process's own start (about 8 ms here).

use std::time::{Duration, Instant};

use defuse::archive::{LazyHistory, Location};
use defuse::triage::history::History;

fn median(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

/// The live call's history lookup, in process (as a call makes it, once
/// the customer is named): the first one connects, logs in and reads the
/// schema version; later ones reuse that connection.
/// `DEFUSE_BENCH_DB=URL DEFUSE_BENCH_CUSTOMER=NAME cargo test --release
/// --test suite history_lookup_at_scale -- --ignored --nocapture`
#[test]
#[ignore = "prints figures; run by bench/archive-scale-pg.py"]
#[allow(clippy::print_stderr)] // figures for the notes, where cargo shows them
fn history_lookup_at_scale() {
    let Some(url) = std::env::var_os("DEFUSE_BENCH_DB") else {
        eprintln!("skipped: set DEFUSE_BENCH_DB to a server archive URL");
        return;
    };
    let customer = std::env::var("DEFUSE_BENCH_CUSTOMER").unwrap_or("Customer 004242".into());
    let location = Location::parse(&url, |name| std::env::var_os(name)).unwrap();
    let before = i64::MAX / 2;
    let (mut first, mut again, mut found) = (Vec::new(), Vec::new(), 0);
    for _ in 0..30 {
        let history = LazyHistory::new(&location);
        let started = Instant::now();
        found = history.earlier_cases(&customer, before).len();
        first.push(started.elapsed());
        assert_eq!(history.unavailable(), None);
        for _ in 0..10 {
            let started = Instant::now();
            history.earlier_cases(&customer, before);
            again.push(started.elapsed());
        }
    }
    eprintln!(
        "figure: history lookup of {customer} ({found} earlier cases), a call's first \
         (connect, login, schema version, query): median {:.2} ms; later in the call: median {:.2} ms",
        median(first),
        median(again)
    );
}

/// `defuse commitments --due --now T --format json` in process (the very
/// `command::main` the binary runs: connect, login, schema version, the
/// listing, its JSON), for each `T` of `DEFUSE_BENCH_NOW` (comma-separated).
#[test]
#[ignore = "prints figures; run by bench/archive-scale-pg.py"]
#[allow(clippy::print_stderr)] // figures for the notes, where cargo shows them
fn commitments_due_at_scale() {
    let (Ok(url), Ok(nows)) = (
        std::env::var("DEFUSE_BENCH_DB"),
        std::env::var("DEFUSE_BENCH_NOW"),
    ) else {
        eprintln!("skipped: set DEFUSE_BENCH_DB and DEFUSE_BENCH_NOW");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for now in nows.split(',') {
        let run = || {
            crate::test::Test::new()
                .env("DEFUSE_DB", &url)
                .env("DEFUSE_OUTBOX", dir.path().join("outbox.db"))
                .args(["commitments", "--due", "--now", now, "--format", "json"])
                .run()
                .success()
        };
        let rows = serde_json::from_str::<Vec<serde_json::Value>>(&run().stdout)
            .unwrap()
            .len();
        let times = (0..20)
            .map(|_| {
                let started = Instant::now();
                run();
                started.elapsed()
            })
            .collect();
        eprintln!(
            "figure: commitments --due --now {now} ({rows} rows), in process: median {:.2} ms",
            median(times)
        );
    }
}
