//! Can a condition ever hold? Decided by trying every assignment of the
//! condition's atoms, for every level and authority judgement.
//!
//! Level and authority are exact (one value each). Flags and grievances are
//! free booleans shared by name, so `flag x and not flag x` is caught. Score,
//! answer and classification predicates are free booleans shared when they
//! are the same predicate: this over-approximates (it may call satisfiable
//! something that is not), so "can never hold" is only ever said when it is
//! true.

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

/// A condition with its ids resolved to indices and its atoms to bits, so
/// that the search (up to 2^12 worlds per level and authority) compares
/// numbers instead of formatting and looking up names.
enum Test {
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
    /// Level (or authority) `value` compared with the world's. `None`: an
    /// unknown id, which never holds.
    Level(Compare, Option<usize>),
    Authority(Compare, Option<usize>),
    Atom(usize),
}

#[derive(Clone, Copy)]
enum Compare {
    Is,
    AtLeast,
    AtMost,
}

impl Compare {
    fn holds(self, actual: usize, wanted: Option<usize>) -> bool {
        wanted.is_some_and(|w| match self {
            Compare::Is => actual == w,
            Compare::AtLeast => actual >= w,
            Compare::AtMost => actual <= w,
        })
    }
}

/// Compiles `c`, giving each distinct atom a bit.
fn compile<'c>(pb: &Playbook, c: &'c Condition, atoms: &mut Vec<&'c Condition>) -> Test {
    let level = |id: &str| pb.level_index(id);
    let authority = |id: &str| pb.authority_index(id);
    match c {
        Condition::All(items) => Test::All(items.iter().map(|i| compile(pb, i, atoms)).collect()),
        Condition::Any(items) => Test::Any(items.iter().map(|i| compile(pb, i, atoms)).collect()),
        Condition::Not(inner) => Test::Not(Box::new(compile(pb, inner, atoms))),
        Condition::Level(id) => Test::Level(Compare::Is, level(&id.value)),
        Condition::LevelAtLeast(id) => Test::Level(Compare::AtLeast, level(&id.value)),
        Condition::LevelAtMost(id) => Test::Level(Compare::AtMost, level(&id.value)),
        Condition::Authority(id) => Test::Authority(Compare::Is, authority(&id.value)),
        Condition::AuthorityAtLeast(id) => Test::Authority(Compare::AtLeast, authority(&id.value)),
        Condition::AuthorityAtMost(id) => Test::Authority(Compare::AtMost, authority(&id.value)),
        atom => {
            let bit = atoms
                .iter()
                .position(|a| same_atom(a, atom))
                .unwrap_or_else(|| {
                    atoms.push(atom);
                    atoms.len() - 1
                });
            Test::Atom(bit)
        }
    }
}

/// Whether two atoms are the same predicate, positions aside. A pair this
/// does not recognise counts as two atoms: more freedom for the search, so
/// "can never hold" stays true when said.
fn same_atom(a: &Condition, b: &Condition) -> bool {
    use Condition as C;
    match (a, b) {
        (C::Flag(x), C::Flag(y)) | (C::Grievance(x), C::Grievance(y)) => x.value == y.value,
        (C::Score(x), C::Score(y)) => {
            (&x.id.value, x.at_least, x.at_most) == (&y.id.value, y.at_least, y.at_most)
        }
        (C::Answer(x), C::Answer(y)) => {
            let same_keys = match (&x.any_of, &y.any_of) {
                (Some(a), Some(b)) => a.iter().map(|k| &k.value).eq(b.iter().map(|k| &k.value)),
                (a, b) => a.is_none() && b.is_none(),
            };
            x.question.value == y.question.value
                && x.is.as_ref().map(|k| &k.value) == y.is.as_ref().map(|k| &k.value)
                && x.at_least == y.at_least
                && same_keys
        }
        (C::ComplaintKind(x), C::ComplaintKind(y)) => x.value == y.value,
        (C::Crisis(x), C::Crisis(y)) => x.value == y.value,
        (C::AtStake(x), C::AtStake(y)) => x.value == y.value,
        _ => false,
    }
}

/// One assignment: a level, an authority, and a truth value per atom.
struct World {
    level: usize,
    authority: usize,
    bits: u64,
}

impl World {
    fn eval(&self, test: &Test) -> bool {
        match test {
            Test::All(items) => items.iter().all(|i| self.eval(i)),
            Test::Any(items) => items.iter().any(|i| self.eval(i)),
            Test::Not(inner) => !self.eval(inner),
            Test::Level(compare, wanted) => compare.holds(self.level, *wanted),
            Test::Authority(compare, wanted) => compare.holds(self.authority, *wanted),
            Test::Atom(bit) => self.bits & (1 << bit) != 0,
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
    let all: Vec<Test> = all.iter().map(|c| compile(pb, c, &mut atoms)).collect();
    let none: Vec<Test> = none.iter().map(|c| compile(pb, c, &mut atoms)).collect();
    if atoms.len() > MAX_ATOMS {
        return None;
    }
    let levels = fixed.level.map_or(0..pb.levels.len().max(1), |l| l..l + 1);
    let authorities = fixed
        .authority
        .map_or(0..pb.authority.len().max(1), |a| a..a + 1);
    for level in levels {
        for authority in authorities.clone() {
            for bits in 0..(1u64 << atoms.len()) {
                let world = World {
                    level,
                    authority,
                    bits,
                };
                if all.iter().all(|t| world.eval(t)) && !none.iter().any(|t| world.eval(t)) {
                    return Some(true);
                }
            }
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playbook() -> Playbook {
        let source = include_str!("../lint/examples/base.yaml");
        crate::playbook::load::check_str("", source)
            .0
            .expect("the lint docs' base playbook loads")
    }

    fn when(yaml: &str) -> Condition {
        serde_saphyr::from_str(yaml).expect("a condition")
    }

    fn holds(all: &[&str], none: &[&str]) -> Option<bool> {
        let pb = playbook();
        let all: Vec<Condition> = all.iter().map(|c| when(c)).collect();
        let none: Vec<Condition> = none.iter().map(|c| when(c)).collect();
        satisfiable(
            &pb,
            &all.iter().collect::<Vec<_>>(),
            &none.iter().collect::<Vec<_>>(),
            ANY,
        )
    }

    #[test]
    fn the_same_predicate_is_one_atom_and_different_ones_are_free() {
        // The same predicate written twice: a contradiction.
        let never = [
            "{all: [{flag: real_loss}, {not: {flag: real_loss}}]}",
            "{all: [{score: {id: severity, at_least: 3}}, {not: {score: {id: severity, at_least: 3}}}]}",
            "{all: [{answer: {question: loss, is: \"yes\"}}, {not: {answer: {question: loss, is: \"yes\"}}}]}",
            "{all: [{answer: {question: loss, in: [a, b]}}, {not: {answer: {question: loss, in: [a, b]}}}]}",
            "{all: [{crisis: boss}, {not: {crisis: boss}}]}",
            "{all: [{level: fire}, {level: calm}]}",
            "{all: [{level_at_least: fire}, {level_at_most: calm}]}",
            "{level: no_such_level}",
        ];
        // Different predicates: free to differ.
        let possible = [
            "{all: [{score: {id: severity, at_least: 3}}, {not: {score: {id: severity, at_least: 4}}}]}",
            "{all: [{answer: {question: loss, is: \"yes\"}}, {not: {answer: {question: loss, is: \"no\"}}}]}",
            "{all: [{answer: {question: loss, in: [a, b]}}, {not: {answer: {question: loss, in: [b, a]}}}]}",
            "{all: [{answer: {question: loss, in: [a]}}, {not: {answer: {question: loss, is: a}}}]}",
            "{all: [{flag: real_loss}, {not: {grievance: real_loss}}]}",
            "{all: [{crisis: boss}, {not: {crisis: team}}]}",
            "{all: [{level_at_least: calm}, {level_at_most: fire}]}",
        ];
        let cases = never
            .iter()
            .map(|c| (c, false))
            .chain(possible.iter().map(|c| (c, true)));
        for (condition, expected) in cases {
            assert_eq!(holds(&[condition], &[]), Some(expected), "{condition}");
        }
    }

    #[test]
    fn none_must_all_be_false_and_a_large_search_is_skipped() {
        assert_eq!(
            holds(&["{flag: real_loss}"], &["{flag: real_loss}"]),
            Some(false)
        );
        assert_eq!(holds(&["{level: fire}"], &["{level: calm}"]), Some(true));
        let many: Vec<String> = (0..=MAX_ATOMS).map(|i| format!("{{flag: f{i}}}")).collect();
        let many = format!("{{all: [{}]}}", many.join(", "));
        assert_eq!(holds(&[&many], &[]), None);
    }
}
