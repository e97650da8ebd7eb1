//! `defuse archive copy`: a rep's archive moved into the team's (or back).
//! Every case goes over with its commitments, done or not, and its void
//! state; its case id and fingerprint are kept, its number is the target's
//! next one (a team archive's numbers are shared by every rep, so a local
//! #12 is most likely someone else's #12 there). A case is looked up by its
//! call (fingerprint) first, as a store does, so copying twice copies
//! nothing the second time and a copy can run beside live stores.

use crate::error::Error;

use super::rows::{CaseRecord, CommitmentRecord};
use super::{Access, Archive, Location, Stored};

/// A case with everything stored about it, as read from the source.
#[derive(Debug, Clone)]
pub struct Record {
    /// Its number in the source.
    pub number: i64,
    pub case: CaseRecord,
    /// In the order they were numbered.
    pub commitments: Vec<CommitmentRecord>,
}

/// What a copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    /// Cases copied now (with their commitments).
    pub copied: usize,
    pub commitments: usize,
    /// Cases the target already held (the same call).
    pub already: usize,
    /// Whether the target archive was created by this copy.
    pub created: bool,
}

/// Copies every case of `from` into `to` (see the module docs), telling
/// `progress` (done, total) after each case. Each case is its own
/// transaction: an interrupted copy is finished by running it again.
pub fn copy(
    from: &Location,
    to: &Location,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Copied, Error> {
    if from.to_string() == to.to_string() {
        return Err(Error::Usage(format!(
            "--from and --to are the same archive ({from}): nothing to copy"
        )));
    }
    let source = Archive::open(from, Access::Read)?;
    let verdict = source.integrity_check()?;
    if verdict != "ok" {
        let first = verdict.lines().next().unwrap_or(&verdict).to_owned();
        return Err(Error::Archive {
            path: from.to_string().into(),
            message: format!(
                "the archive is damaged ({first}); nothing was copied. \
                 See the damage with `defuse --db {from} cases check`"
            ),
        });
    }
    let records = source.records()?;
    let mut target = Archive::open(to, Access::Store)?;
    let mut copied = Copied {
        created: target.created(),
        ..Copied::default()
    };
    for (done, record) in records.iter().enumerate() {
        match target.copy_in(record)? {
            Stored::New(_) => {
                copied.copied += 1;
                copied.commitments += record.commitments.len();
            }
            Stored::Already(_) => copied.already += 1,
        }
        progress(done + 1, records.len());
    }
    Ok(copied)
}

/// The message when a case id is taken by a different call in the target.
pub(super) fn clash(record: &Record, other: i64) -> String {
    format!(
        "case #{} ({}) cannot be copied: case #{other} in the target has that case id \
         but is a different call; nothing of case #{} was copied",
        record.number, record.case.case_id, record.number
    )
}
