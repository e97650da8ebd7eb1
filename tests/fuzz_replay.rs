//! A bounded, deterministic run of the fuzz targets on every `cargo test`:
//! each seed file (the shipped playbooks, examples and hostile files, plus a
//! saved `fuzz/corpus/<target>/` when there is one) as it is, then a fixed
//! number of seeded mutations of them. It finds what a mutation of a known
//! input breaks; `cargo fuzz` (fuzz/README.md) searches much further.

#[path = "../fuzz/bodies.rs"]
mod bodies;

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Mutated inputs per target on each run.
const MUTATIONS: usize = 1_500;

/// Bytes that change how YAML reads a file.
const TOKENS: &[&[u8]] = &[
    b": ",
    b"- ",
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b"}",
    b"\n",
    b"  ",
    b"'",
    b"\"",
    b"#",
    b"!!str ",
    b"---\n",
    b"...\n",
    b"|",
    b">",
    b"\t",
    b"\0",
    b"\xff",
    b"\xe2\x80\xae",
    b"yes",
    b"~",
    b"? ",
    b",",
    b"\r\n",
    b"<<: *a\n",
    b"1e9999",
    b"0x",
    b"\\u0000",
];

/// xorshift64*: a fixed seed gives the same inputs on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && keep(&p.to_string_lossy()))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let root = Path::new(ROOT);
    let mut seeds = match target {
        "answers" => files_in(&root.join("examples"), |p| p.ends_with(".answers.yaml")),
        _ => {
            let mut s = files_in(&root.join("playbooks"), |p| p.ends_with(".yaml"));
            s.extend(files_in(&root.join("tests/hostile"), |p| {
                p.ends_with(".yaml")
            }));
            s
        }
    };
    seeds.extend(files_in(&root.join("fuzz/corpus").join(target), |_| true));
    assert!(!seeds.is_empty());
    seeds
}

/// One to four edits of a seed: a byte changed, a token inserted, a range
/// deleted or repeated, a cut, or a splice with another seed.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] = rng.next() as u8;
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            2 => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(256)).min(data.len());
                let copy = data[at..end].to_vec();
                data.splice(at..at, copy.iter().copied().cycle().take(copy.len() * 8));
            }
            4 => data.truncate(at),
            _ => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                data.splice(at..at, other[from..end].iter().copied());
            }
        }
    }
    data
}

fn replay(target: &str, body: fn(&[u8])) {
    let seeds = seeds(target);
    for seed in &seeds {
        body(seed);
    }
    let mut rng = Rng(0x6465_6675_7365 ^ target.len() as u64);
    for n in 0..MUTATIONS {
        let input = mutate(&mut rng, &seeds);
        // A panic names the input, so it can be saved and fuzzed from.
        let caught = std::panic::catch_unwind(|| body(&input));
        assert!(
            caught.is_ok(),
            "{target}: mutation {n} panicked; input: {:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

#[test]
fn load_never_panics_on_mutated_playbooks() {
    replay("load", bodies::load);
}

#[test]
fn answers_never_panic_on_mutated_answers_files() {
    replay("answers", bodies::answers);
}

#[test]
fn fast_path_agrees_with_the_full_parser_on_mutated_playbooks() {
    replay("fast", bodies::fast);
}
