//! Can a condition ever hold? Decided by trying every assignment of the
//! condition's atoms, for every level and authority judgement.
//!
//! Level and authority are exact (one value each). Flags and grievances are
//! free booleans shared by name, so `flag x and not flag x` is caught. Score,
//! answer and classification predicates are free booleans shared by their
//! text: this over-approximates (it may call satisfiable something that is
//! not), so "can never hold" is only ever said when it is true.

use super::condition::Condition;
use super::model::Playbook;

/// Past this many atoms the search is skipped and the condition assumed
/// satisfiable (2^12 assignments per level and authority at most).
const MAX_ATOMS: usize = 12;

/// Which level/authority a search may use.
#[derive(Debug, Clone, Copy)]
pub struct Fixed {
    pub level: Option<usize>,
    pub authority: Option<usize>,
}

pub const ANY: Fixed = Fixed {
    level: None,
    authority: None,
};

fn atom_key(c: &Condition) -> Option<String> {
    match c {
        Condition::All(_)
        | Condition::Any(_)
        | Condition::Not(_)
        | Condition::Level(_)
        | Condition::LevelAtLeast(_)
        | Condition::LevelAtMost(_)
        | Condition::Authority(_)
        | Condition::AuthorityAtLeast(_)
        | Condition::AuthorityAtMost(_) => None,
        // Display is unique per predicate: `flag `x``, `score `s` ≥ 3`, …
        other => Some(other.to_string()),
    }
}

fn collect_atoms(c: &Condition, atoms: &mut Vec<String>) {
    match c {
        Condition::All(items) | Condition::Any(items) => {
            items.iter().for_each(|i| collect_atoms(i, atoms))
        }
        Condition::Not(inner) => collect_atoms(inner, atoms),
        other => {
            if let Some(key) = atom_key(other)
                && !atoms.contains(&key)
            {
                atoms.push(key);
            }
        }
    }
}

struct World<'a> {
    pb: &'a Playbook,
    level: usize,
    authority: usize,
    atoms: &'a [String],
    bits: u32,
}

impl World<'_> {
    fn eval(&self, c: &Condition) -> bool {
        let level = |id: &str| self.pb.level_index(id);
        let authority = |id: &str| self.pb.authority_index(id);
        match c {
            Condition::All(items) => items.iter().all(|i| self.eval(i)),
            Condition::Any(items) => items.iter().any(|i| self.eval(i)),
            Condition::Not(inner) => !self.eval(inner),
            Condition::Level(id) => level(&id.value) == Some(self.level),
            Condition::LevelAtLeast(id) => level(&id.value).is_some_and(|w| self.level >= w),
            Condition::LevelAtMost(id) => level(&id.value).is_some_and(|w| self.level <= w),
            Condition::Authority(id) => authority(&id.value) == Some(self.authority),
            Condition::AuthorityAtLeast(id) => {
                authority(&id.value).is_some_and(|w| self.authority >= w)
            }
            Condition::AuthorityAtMost(id) => {
                authority(&id.value).is_some_and(|w| self.authority <= w)
            }
            other => {
                let key = atom_key(other).unwrap_or_default();
                let bit = self.atoms.iter().position(|a| *a == key).unwrap_or(0);
                self.bits & (1 << bit) != 0
            }
        }
    }
}

/// Whether some world makes every one of `all` true and every one of `none`
/// false. `None` when the search would be too large to try.
pub fn satisfiable(
    pb: &Playbook,
    all: &[&Condition],
    none: &[&Condition],
    fixed: Fixed,
) -> Option<bool> {
    let mut atoms = Vec::new();
    for c in all.iter().chain(none) {
        collect_atoms(c, &mut atoms);
    }
    if atoms.len() > MAX_ATOMS {
        return None;
    }
    let levels: Vec<usize> = fixed
        .level
        .map_or_else(|| (0..pb.levels.len().max(1)).collect(), |l| vec![l]);
    let authorities: Vec<usize> = fixed
        .authority
        .map_or_else(|| (0..pb.authority.len().max(1)).collect(), |a| vec![a]);
    for &level in &levels {
        for &authority in &authorities {
            for bits in 0..(1u32 << atoms.len()) {
                let world = World {
                    pb,
                    level,
                    authority,
                    atoms: &atoms,
                    bits,
                };
                if all.iter().all(|c| world.eval(c)) && !none.iter().any(|c| world.eval(c)) {
                    return Some(true);
                }
            }
        }
    }
    Some(false)
}
