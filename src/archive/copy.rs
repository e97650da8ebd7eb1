//! `defuse archive copy`: a rep's archive moved into the team's (or back).
//! Every case goes over with its commitments, done or not, and its void
//! state; its case id and fingerprint are kept, its number is the target's
//! next one (a team archive's numbers are shared by every rep, so a local
//! #12 is most likely someone else's #12 there). A case is looked up by its
//! call (fingerprint) first, as a store does, so copying twice copies
//! nothing the second time and a copy can run beside live stores.
//!
//! A case the target already holds is reconciled instead: a void or a done
//! commitment the source has and the target lacks is carried over (a rep
//! copies on Monday, keeps working offline, copies again on Friday). Only
//! what the target lacks is written, so the target's own voids and dones
//! are never undone or overwritten.
//!
//! The source is read in pages of [`PAGE`] cases by number, and each page
//! is one transaction on the target: memory stays bounded whatever the
//! archive's size, and a copy interrupted midway keeps the pages it
//! committed; running it again finds those cases already there.

use crate::error::Error;

use super::rows::{CaseRecord, CommitmentRecord};
use super::{Access, Archive, Location};

/// Cases read and written per transaction: large enough that a server's
/// per-transaction cost vanishes, small enough that a page is a few MB.
pub(crate) const PAGE: usize = 250;

/// A case with everything stored about it, as read from the source.
#[derive(Debug, Clone)]
pub struct Record {
    /// Its number in the source.
    pub number: i64,
    pub case: CaseRecord,
    /// In the order they were numbered.
    pub commitments: Vec<CommitmentRecord>,
    /// Whether it is void and another case in the source stored the same
    /// call and counts (a duplicate voided by `cases void --duplicates`):
    /// its void and dones are not the call's, so they are never carried.
    pub shadowed: bool,
}

/// What a page's SELECT adds to [`CaseRecord::select_list`] to fill
/// [`Record::shadowed`] (the same SQL on both backends; only void cases
/// look further).
pub(super) const SHADOWED: &str = "CASE WHEN void_at IS NULL THEN false ELSE EXISTS (
        SELECT 1 FROM cases d WHERE d.id <> cases.id AND d.void_at IS NULL
        AND (d.fingerprint = cases.fingerprint
             OR (cases.fingerprint IS NULL AND d.case_id = cases.case_id
                 AND d.created_epoch = cases.created_epoch))) END AS shadowed";

/// What a copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    /// Cases copied now (with their commitments).
    pub copied: usize,
    pub commitments: usize,
    /// Cases the target already held (the same call).
    pub already: usize,
    /// Of those, cases given a void or a done commitment from the source.
    pub updated: usize,
    /// Voids carried to cases already there.
    pub voids: usize,
    /// Commitments marked done on cases already there.
    pub done: usize,
    /// Voids the target refused (on a server, only a lead may void).
    pub voids_refused: usize,
    /// Done marks the target refused (a rep marks only its own cases').
    pub done_refused: usize,
    /// Whether the target archive was created by this copy.
    pub created: bool,
}

impl Copied {
    fn add(&mut self, page: &Copied) {
        self.copied += page.copied;
        self.commitments += page.commitments;
        self.already += page.already;
        self.updated += page.updated;
        self.voids += page.voids;
        self.done += page.done;
        self.voids_refused += page.voids_refused;
        self.done_refused += page.done_refused;
    }
}

/// Copies every case of `from` into `to` (see the module docs), telling
/// `progress` (done, total) after each page.
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
    let total = source.case_count()?;
    let mut target = Archive::open(to, Access::Store)?;
    let mut copied = Copied {
        created: target.created(),
        ..Copied::default()
    };
    let (mut after, mut done) = (0, 0);
    loop {
        let page = source.records_after(after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.number;
        copied.add(&target.copy_in(&page)?);
        done += page.len();
        progress(done, total.max(done));
    }
    Ok(copied)
}

/// The message when a case id is taken by a different call in the target.
pub(super) fn clash(record: &Record, other: i64) -> String {
    format!(
        "case #{} ({}) cannot be copied: case #{other} in the target has that case id \
         but is a different call; the cases before it were copied, nothing of case #{} was",
        record.number, record.case.case_id, record.number
    )
}

/// A commitment of a case the target already holds.
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub id: i64,
    pub kind: String,
    pub item_id: String,
    pub done: bool,
}

/// The target's commitments to mark done, each with the source's done
/// commitment it mirrors: one the source has done and the target has open.
/// A commitment is matched by kind and item (the n-th of that pair in the
/// source with the n-th in the target), never by number: numbers differ
/// between archives.
pub(super) fn to_mark_done<'a>(
    source: &'a [CommitmentRecord],
    held: &[Held],
) -> Vec<(i64, &'a CommitmentRecord)> {
    let mut marks = Vec::new();
    for (i, commitment) in source.iter().enumerate() {
        if commitment.done_at.is_none() {
            continue;
        }
        let same = |kind: &str, item: &str| kind == commitment.kind && item == commitment.item_id;
        let nth = source[..i]
            .iter()
            .filter(|c| same(&c.kind, &c.item_id))
            .count();
        if let Some(there) = held.iter().filter(|h| same(&h.kind, &h.item_id)).nth(nth)
            && !there.done
        {
            marks.push((there.id, commitment));
        }
    }
    marks
}
