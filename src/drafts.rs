//! Drafts: a live session's exact state, saved atomically after every answer
//! so that Ctrl-C, a closed terminal, a kill or a crash never loses what the
//! rep typed. `defuse triage --resume` continues one; finishing removes it.
//!
//! Location: `--drafts-dir`, else `$DEFUSE_DRAFTS_DIR`, else
//! `$XDG_STATE_HOME/defuse/drafts`, else `~/.local/state/defuse/drafts`
//! (the home from the passwd entry when `HOME` is unset; no home is an error).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::diagnostic::LoadError;
use crate::error::Error;
use crate::output::{BaseDir, write_file};
use crate::playbook::load::yaml_options;
use crate::read::{ReadFailure, read_bounded};
use crate::triage::session::Snapshot;

const SUFFIX: &str = ".draft.yaml";
const MAX_DRAFT_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub id: String,
    pub playbook: String,
    pub playbook_version: String,
    /// `embedded:ID.yaml` or the playbook file's absolute path.
    pub playbook_source: String,
    /// The call time; the resumed plan uses it, so it matches an uninterrupted run.
    pub now: String,
    pub customer: String,
    /// Where the session stopped (the stage of the next question).
    pub stage: String,
    pub session: Snapshot,
}

/// The default drafts directory (see the module docs); an error when there
/// is no home directory to put it in.
pub fn default_dir(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<PathBuf, Error> {
    crate::output::user_path(env, "DEFUSE_DRAFTS_DIR", BaseDir::State, "drafts")
}

pub struct DraftStore {
    dir: PathBuf,
}

impl DraftStore {
    pub fn new(dir: PathBuf) -> Self {
        DraftStore { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}{SUFFIX}"))
    }

    /// Replaces the draft atomically: a crash mid-write leaves the previous one.
    pub fn save(&self, draft: &Draft) -> Result<(), Error> {
        std::fs::create_dir_all(&self.dir).map_err(|source| Error::Write {
            path: self.dir.clone(),
            source,
        })?;
        let yaml = serde_saphyr::to_string(draft).map_err(|e| Error::Write {
            path: self.path(&draft.id),
            source: std::io::Error::other(e.to_string()),
        })?;
        let text = format!(
            "# defuse draft: continue with `defuse triage --resume {}`\n{yaml}",
            draft.id
        );
        write_file(&self.path(&draft.id), text.as_bytes(), true)
    }

    /// Refuses an id that is not a file name we made: anything that could
    /// leave the directory.
    fn check_id(id: &str) -> Result<(), Error> {
        if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
            return Err(Error::Usage(format!(
                "`{id}` is not a draft id (see `defuse drafts`)"
            )));
        }
        Ok(())
    }

    fn missing(&self, id: &str) -> Error {
        Error::Usage(format!(
            "no draft `{id}` in {} (see `defuse drafts`)",
            self.dir.display()
        ))
    }

    /// Reads a draft back. One that cannot be parsed, is not UTF-8, is
    /// oversized, is not a regular file or names another id is
    /// [`Error::CorruptDraft`], which says what to do about it.
    pub fn load(&self, id: &str) -> Result<Draft, Error> {
        Self::check_id(id)?;
        let path = self.path(id);
        let corrupt = |why: &str| Error::CorruptDraft {
            id: id.to_owned(),
            detail: format!("{}: {why}", path.display()),
        };
        // Only a regular file in the directory is a draft: a symlink here
        // could point anywhere, and its target would be read and quoted.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(corrupt(
                    "not a regular file (a link or a special file), so not a draft defuse wrote",
                ));
            }
            Err(_) => return Err(self.missing(id)),
        }
        let bytes = read_bounded(&path, MAX_DRAFT_BYTES).map_err(|failure| match failure {
            ReadFailure::Io(source) => Error::Read {
                path: path.clone(),
                source,
            },
            ReadFailure::NotRegular => corrupt("not a regular file"),
            ReadFailure::TooLarge(limit) => {
                corrupt(&format!("over {limit} bytes, far more than any draft"))
            }
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            corrupt(&format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        let draft: Draft =
            serde_saphyr::from_str_with_options(&text, yaml_options()).map_err(|e| {
                Error::CorruptDraft {
                    id: id.to_owned(),
                    detail: LoadError::from_yaml(&path.display().to_string(), &text, &e)
                        .to_string(),
                }
            })?;
        // Resuming saves under the draft's own id: one naming another file
        // would fork the session into a second draft.
        if draft.id != id {
            return Err(corrupt(&format!("its `id:` says `{}`", draft.id)));
        }
        Ok(draft)
    }

    pub fn remove(&self, id: &str) -> Result<(), Error> {
        let path = self.path(id);
        std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })
    }

    /// `defuse drafts --discard ID`: removes the draft whether or not it can
    /// be read, since a corrupt draft is exactly what one wants gone. A
    /// symlink is removed, never its target.
    pub fn discard(&self, id: &str) -> Result<(), Error> {
        Self::check_id(id)?;
        match std::fs::symlink_metadata(self.path(id)) {
            Ok(meta) if !meta.is_dir() => self.remove(id),
            _ => Err(self.missing(id)),
        }
    }

    /// Every draft file with its last-saved time, newest first, each read
    /// back or with the reason it cannot be: none is skipped silently.
    pub fn list(&self) -> Result<Vec<Listed>, Error> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(Error::Read {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut drafts: Vec<_> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_owned();
                let id = name.strip_suffix(SUFFIX)?.to_owned();
                let saved = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                Some((id, saved))
            })
            .collect();
        drafts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        Ok(drafts
            .into_iter()
            .map(|(id, saved)| Listed {
                draft: self.load(&id),
                id,
                saved,
            })
            .collect())
    }

    /// The draft `triage --resume [ID]` continues. Without an id, the newest
    /// one, never an older one in its place: when the newest cannot be read,
    /// that is the error. `others` counts the drafts not picked, so the
    /// caller can say that there were several.
    pub fn pick(&self, which: Option<&str>) -> Result<Picked, Error> {
        if let Some(id) = which {
            return Ok(Picked {
                draft: self.load(id)?,
                others: 0,
            });
        }
        let mut listed = self.list()?.into_iter();
        let newest = listed.next().ok_or_else(|| {
            Error::Usage(format!(
                "no draft to resume in {} (see `defuse drafts`)",
                self.dir.display()
            ))
        })?;
        Ok(Picked {
            draft: newest.draft?,
            others: listed.count(),
        })
    }
}

/// One file in the drafts directory.
pub struct Listed {
    pub id: String,
    /// When it was last saved (its modification time).
    pub saved: SystemTime,
    pub draft: Result<Draft, Error>,
}

/// The draft to resume, and how many other drafts there are.
pub struct Picked {
    pub draft: Draft,
    pub others: usize,
}

/// "3m", "2h", "5d": how long ago a draft was saved.
pub fn age(saved: SystemTime, now: SystemTime) -> String {
    let minutes = now
        .duration_since(saved)
        .map(|d| d.as_secs() / 60)
        .unwrap_or(0);
    match minutes {
        m if m < 60 => format!("{m}m"),
        m if m < 60 * 48 => format!("{}h", m / 60),
        m => format!("{}d", m / (60 * 24)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::answers::AnswerValue;

    fn pid(text: &str) -> crate::triage::PromptId {
        text.parse().unwrap()
    }

    fn draft(id: &str) -> Draft {
        Draft {
            id: id.into(),
            playbook: "general".into(),
            playbook_version: "1.0.0".into(),
            playbook_source: "embedded:general.yaml".into(),
            now: "2026-11-23T10:00:00+08:00".into(),
            customer: "Acme: \"quoted\" # not a comment".into(),
            stage: "Step 2".into(),
            session: Snapshot {
                history: vec![
                    (pid("case.customer"), AnswerValue::Text("yes".into())),
                    (pid("assess.our_failure"), AnswerValue::Key("yes".into())),
                    (
                        pid("assess.stakes"),
                        AnswerValue::Keys(vec!["cancel".into()]),
                    ),
                    (pid("assess.anger"), AnswerValue::Number(4)),
                ],
                undone: [(pid("assess.role"), AnswerValue::Key("staff".into()))].into(),
            },
        }
    }

    #[test]
    fn drafts_round_trip_exactly_and_list_newest_first() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::new(tmp.path().join("drafts"));
        assert!(
            store.list().unwrap().is_empty(),
            "a missing directory has no drafts"
        );
        store.save(&draft("a")).unwrap();
        store.save(&draft("b")).unwrap();
        assert_eq!(store.load("a").unwrap(), draft("a"));
        let listed: Vec<String> = store
            .list()
            .unwrap()
            .into_iter()
            .map(|d| d.draft.unwrap().id)
            .collect();
        assert_eq!(listed.len(), 2);
        store.remove("a").unwrap();
        assert_eq!(store.pick(None).unwrap().draft.id, "b");
    }

    /// Prompt ids are typed in memory but stored as the text they always
    /// were: a draft reads and writes the same bytes as when ids were
    /// strings, undone answers in text order (`case.*` after `assess.*`,
    /// round 10 before round 2).
    #[test]
    fn typed_prompt_ids_keep_the_draft_bytes() {
        #[derive(serde::Serialize)]
        struct StringSnapshot {
            history: Vec<(String, AnswerValue)>,
            undone: std::collections::BTreeMap<String, AnswerValue>,
        }
        let texts = [
            "case.customer",
            "remedies.due.2",
            "assess.role",
            "remedies.due.10",
            "grievance.at_stake",
            "record.impact",
            "remedies.selected",
            "case.contact",
        ];
        let value = |i: usize| AnswerValue::Text(format!("answer {i}"));
        let typed = Snapshot {
            history: texts
                .iter()
                .enumerate()
                .map(|(i, t)| (pid(t), value(i)))
                .collect(),
            undone: texts
                .iter()
                .enumerate()
                .map(|(i, t)| (pid(t), value(i)))
                .collect(),
        };
        let strings = StringSnapshot {
            history: texts
                .iter()
                .enumerate()
                .map(|(i, t)| (t.to_string(), value(i)))
                .collect(),
            undone: texts
                .iter()
                .enumerate()
                .map(|(i, t)| (t.to_string(), value(i)))
                .collect(),
        };
        let yaml = serde_saphyr::to_string(&typed).unwrap();
        assert_eq!(yaml, serde_saphyr::to_string(&strings).unwrap());
        let back: Snapshot = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(back, typed);
    }

    #[test]
    fn draft_ids_cannot_escape_the_directory() {
        let store = DraftStore::new(PathBuf::from("/tmp/nowhere"));
        for id in ["../x", "a/b", ".hidden", ""] {
            assert!(matches!(store.load(id), Err(Error::Usage(_))), "{id}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_draft_that_is_a_symlink_is_refused_without_reading_its_target() {
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret");
        std::fs::write(&secret, "root:SECRET-HASH:0:0\n").unwrap();
        let dir = tmp.path().join("drafts");
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::symlink(&secret, dir.join("x.draft.yaml")).unwrap();
        let store = DraftStore::new(dir);
        let err = store.load("x").unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 1, "reported, not skipped");
        assert!(
            !listed[0]
                .draft
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("SECRET")
        );
        store.discard("x").unwrap();
        assert!(secret.exists(), "the link goes, never its target");
    }

    /// Saves `id` with its modification time `age_secs` in the past.
    fn save_aged(store: &DraftStore, id: &str, age_secs: u64) {
        store.save(&draft(id)).unwrap();
        set_age(store, id, age_secs);
    }

    fn set_age(store: &DraftStore, id: &str, age_secs: u64) {
        let file = std::fs::File::options()
            .write(true)
            .open(store.path(id))
            .unwrap();
        let when = SystemTime::now() - std::time::Duration::from_secs(age_secs);
        file.set_modified(when).unwrap();
    }

    #[test]
    fn a_corrupt_draft_is_called_a_corrupt_draft_and_says_what_to_do() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::new(tmp.path().to_owned());
        std::fs::write(store.path("x"), "garbage: [\n").unwrap();
        std::fs::write(store.path("y"), b"id: \xff\xfe\n").unwrap();
        save_aged(&store, "z", 0);
        let mut text = std::fs::read_to_string(store.path("z")).unwrap();
        text = text.replace("id: z", "id: someone-else");
        std::fs::write(store.path("z"), text).unwrap();
        for (id, why) in [
            ("x", "x.draft.yaml:1:"),
            ("y", "not UTF-8"),
            ("z", "its `id:` says `someone-else`"),
        ] {
            let err = store.load(id).unwrap_err();
            assert_eq!(err.code(), 1, "{err}");
            let said = err.to_string();
            for part in [
                &format!("draft {id} is corrupt"),
                why,
                &format!("defuse drafts --discard {id}"),
                "defuse triage --resume ID",
            ] {
                assert!(said.contains(part), "{part:?} missing from\n{said}");
            }
            assert!(!said.contains("answers file"), "{said}");
            store.discard(id).unwrap();
        }
        assert!(
            store.list().unwrap().is_empty(),
            "corrupt drafts can be discarded"
        );
    }

    #[test]
    fn resume_without_an_id_never_falls_back_to_an_older_draft() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::new(tmp.path().to_owned());
        save_aged(&store, "older", 3600);
        std::fs::write(store.path("newer"), "garbage: [\n").unwrap();
        set_age(&store, "newer", 60);
        let err = store.pick(None).err().expect("the newest is unreadable");
        assert!(err.to_string().contains("draft newer is corrupt"), "{err}");
        assert_eq!(store.pick(Some("older")).unwrap().draft.id, "older");

        store.discard("newer").unwrap();
        save_aged(&store, "newest", 0);
        let picked = store.pick(None).unwrap();
        assert_eq!((picked.draft.id.as_str(), picked.others), ("newest", 1));
    }

    #[test]
    fn ages_read_naturally() {
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(10 * 86400);
        let ago = |s: u64| now - std::time::Duration::from_secs(s);
        assert_eq!(age(ago(90), now), "1m");
        assert_eq!(age(ago(3 * 3600), now), "3h");
        assert_eq!(age(ago(3 * 86400), now), "3d");
    }
}
