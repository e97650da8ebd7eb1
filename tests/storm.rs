//! Sixteen processes store a hundred cases each into one archive at once
//! (issue #14 item 7), on both backends: 1,600 cases, none lost, each
//! numbered once, no error shown. Each process is this test binary running
//! the ignored `storm_worker` test, which stores through the real store
//! code (`Archive::open` + `Archive::store`, as `defuse triage` does at the
//! end of a call) with its own connection; a `defuse` process per case
//! would cost ~75 ms of CPU each in a debug build (mostly loading the
//! playbook), too slow for CI on 2 cores. `bench/archive-scale-pg.py` runs
//! 1,600 real `defuse triage` processes and prints the figures.

use std::process::Command;
use std::time::Instant;

use defuse::archive::{Access, Archive, Location, NewCase, Stored};
use defuse::triage::fingerprint::Fingerprint;

use crate::common::example;
use crate::test::Test;

const PROCESSES: usize = 16;
const EACH: usize = 100;

/// A worker process: stores `EACH` distinct calls into `$DEFUSE_STORM_DB`
/// (worker `$DEFUSE_STORM_WORKER`), one transaction each, and prints
/// `stored NUMBER MICROSECONDS` per case. Run only by the test below.
#[test]
#[ignore = "a worker process of sixteen_processes_storing_a_hundred_each_lose_none"]
#[allow(clippy::print_stdout)] // the parent reads what it stored from stdout
fn storm_worker() {
    let db = std::env::var_os("DEFUSE_STORM_DB").expect("DEFUSE_STORM_DB");
    let worker: i64 = std::env::var("DEFUSE_STORM_WORKER")
        .expect("DEFUSE_STORM_WORKER")
        .parse()
        .unwrap();
    let location = Location::parse(&db, |name| std::env::var_os(name)).unwrap();
    let text = std::fs::read_to_string(example("general-fire")).unwrap();
    let pb = crate::common::playbook("general");
    let outcome = crate::common::triage(&pb, &text);
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+08:00").unwrap();
    // Plans first, so the stores below contend as closely as they can.
    let calls: Vec<_> = (0..EACH as i64)
        .map(|i| {
            let now = start + chrono::Duration::minutes(worker * EACH as i64 + i);
            let call = Fingerprint::of(&text, &pb.id.value, &pb.version, now.timestamp());
            let plan = defuse::plan::compose(&pb, &outcome, now, &call);
            let markdown = defuse::plan::markdown::render(&plan);
            (plan, markdown, call)
        })
        .collect();
    let mut archive = Archive::open(&location, Access::Store).unwrap();
    for (plan, plan_markdown, call) in &calls {
        let case = NewCase {
            plan,
            level_rank: outcome.assessment.level,
            plan_markdown,
            answers_yaml: &text,
            call,
            rehearsal: false,
            stored_by: "storm",
        };
        let t = Instant::now();
        // Waiting for another writer is expected; failing is not.
        match archive.store(&case, &mut || {}) {
            Ok(Stored::New(number)) => println!("stored {number} {}", t.elapsed().as_micros()),
            other => panic!("{other:?}"),
        }
    }
}

crate::each_backend! {
    /// 16 processes × 100 stores, each with a connection of its own, all at
    /// once (the archive exists first, so they race on the write, not on
    /// creating it): every case stored once, numbers 1–1,600, nothing on
    /// stderr but the test harness's own lines, and the archive checks
    /// clean. Prints stores/s and median/p99 store latency (not asserted).
    fn sixteen_processes_storing_a_hundred_each_lose_none(db) {
        let location = db.location();
        drop(Archive::open(&location, Access::Store).unwrap());
        let me = std::env::current_exe().unwrap();
        let started = Instant::now();
        let workers: Vec<_> = (0..PROCESSES)
            .map(|worker| {
                Command::new(&me)
                    .args(["storm::storm_worker", "--exact", "--ignored", "--nocapture"])
                    .args(["--test-threads", "1"])
                    .env("DEFUSE_STORM_DB", db.url())
                    .env("DEFUSE_STORM_WORKER", worker.to_string())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut numbers = Vec::new();
        let mut micros = Vec::new();
        for worker in workers {
            let out = worker.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{stdout}\n{stderr}");
            // libtest writes nothing on stderr for a passing test.
            assert!(stderr.trim().is_empty(), "shown on stderr: {stderr}");
            // `--nocapture` puts the first line after libtest's "test … ... ".
            for line in stdout.lines().filter_map(|l| Some(l.rsplit_once("stored ")?.1)) {
                let (number, us) = line.split_once(' ').unwrap();
                numbers.push(number.parse::<i64>().unwrap());
                micros.push(us.parse::<u64>().unwrap());
            }
        }
        let wall = started.elapsed();
        numbers.sort_unstable();
        let total = (PROCESSES * EACH) as i64;
        let expected: Vec<i64> = (1..=total).collect();
        let missing: Vec<_> = expected.iter().filter(|n| numbers.binary_search(n).is_err()).take(10).collect();
        assert!(
            numbers == expected,
            "{} stores reported, {} expected; first missing: {missing:?}",
            numbers.len(),
            total
        );
        Test::new()
            .arg("--db")
            .arg(db.url())
            .args(["cases", "check"])
            .run()
            .success()
            .stdout_contains(&format!("ok: {total} cases"));
        micros.sort_unstable();
        report(&micros, wall);
    }
}

/// The figures, for a reader of `--nocapture` (asserting times would fail
/// on a loaded machine, not on a slow archive).
#[allow(clippy::print_stderr)]
fn report(micros: &[u64], wall: std::time::Duration) {
    let ms = |us: u64| us as f64 / 1000.0;
    eprintln!(
        "{} stores in {:.1} s (processes start, plan and store): {:.0} stores/s; store latency median {:.1} ms, p99 {:.1} ms",
        micros.len(),
        wall.as_secs_f64(),
        micros.len() as f64 / wall.as_secs_f64(),
        ms(micros[micros.len() / 2]),
        ms(micros[micros.len() * 99 / 100 - 1]),
    );
}
