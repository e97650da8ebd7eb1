//! The one recursive file walker (lint and test use it), built on `walkdir`
//! so the file system's corner cases are per-entry results, never an abort:
//! a symlink loop is cut (each real directory is visited once), an
//! unreadable directory or a dangling link becomes a [`Found`] with its
//! error, and a file name that is not UTF-8 is matched and kept lossily.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// A path the walk turned up: a file to check, or one that could not be read.
#[derive(Debug)]
pub struct Found {
    pub path: PathBuf,
    /// Why the path (a directory, a link, a named file) could not be read.
    pub error: Option<std::io::Error>,
}

impl Found {
    fn file(path: PathBuf) -> Self {
        Found { path, error: None }
    }
}

/// Hidden entries (`.git`, editor backups) are skipped below a named directory.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Files named in `paths` as they are, and under directories the files whose
/// name passes `keep` (recursively, symlinks followed, hidden entries skipped),
/// in path order: names sorted within each directory, depth first.
pub fn files(paths: &[PathBuf], keep: fn(&str) -> bool) -> Vec<Found> {
    let mut found = Vec::new();
    // A directory reached twice (a loop, or two links to one place) is
    // walked once: the walk stays linear in the real tree, whatever the links.
    let mut seen = HashSet::new();
    for root in paths {
        let mut entries = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    if let Some(unreadable) = failure(e, keep) {
                        found.push(unreadable);
                    }
                    continue;
                }
            };
            if entry.file_type().is_dir() {
                if let Some(key) = dir_key(&entry)
                    && !seen.insert(key)
                {
                    entries.skip_current_dir();
                }
            } else if entry.depth() == 0 || keep(&entry.file_name().to_string_lossy()) {
                found.push(Found::file(entry.into_path()));
            }
        }
    }
    found
}

/// The walk error worth reporting, if any: a loop is not (its directory was
/// already walked), nor a broken link whose name `keep` would not take.
fn failure(e: walkdir::Error, keep: fn(&str) -> bool) -> Option<Found> {
    if e.loop_ancestor().is_some() {
        return None;
    }
    let path = e.path().map(Path::to_path_buf)?;
    if e.depth() > 0 {
        let name = path.file_name().unwrap_or_default();
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_hidden(name) || !(is_dir || keep(&name.to_string_lossy())) {
            return None;
        }
    }
    // The inner error: walkdir's own Display repeats the path.
    let error = e
        .into_io_error()
        .unwrap_or_else(|| std::io::Error::other("cannot be walked"));
    Some(Found {
        path,
        error: Some(error),
    })
}

/// The identity of a directory (device and inode), so a second way into it
/// is recognised. `None` where the platform or the `stat` does not say.
fn dir_key(entry: &walkdir::DirEntry) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        entry.metadata().ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = entry;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn yaml(name: &str) -> bool {
        name.ends_with(".yaml")
    }

    fn names(found: &[Found], root: &Path) -> Vec<String> {
        found
            .iter()
            .map(|f| {
                let rel = f.path.strip_prefix(root).unwrap().to_string_lossy();
                if f.error.is_some() {
                    format!("{rel} (unreadable)")
                } else {
                    rel.into_owned()
                }
            })
            .collect()
    }

    #[test]
    fn a_symlink_loop_is_walked_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("a.yaml"), "").unwrap();
        std::fs::write(root.join("sub/b.yaml"), "").unwrap();
        symlink(".", root.join("loop")).unwrap();
        symlink("..", root.join("sub/up")).unwrap();
        let found = files(&[root.to_owned()], yaml);
        assert_eq!(names(&found, root), ["a.yaml", "sub/b.yaml"]);
    }

    #[test]
    fn two_links_to_one_directory_walk_it_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let shared = tmp.path().join("shared");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::write(shared.join("s.yaml"), "").unwrap();
        symlink(&shared, root.join("x")).unwrap();
        symlink(&shared, root.join("y")).unwrap();
        let found = files(std::slice::from_ref(&root), yaml);
        assert_eq!(names(&found, &root), ["x/s.yaml"]);
    }

    #[test]
    fn non_utf8_names_are_kept_and_broken_links_reported() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let odd = std::ffi::OsStr::from_bytes(b"bad\xffname.yaml");
        std::fs::write(root.join(odd), "").unwrap();
        symlink("nowhere", root.join("dangling.yaml")).unwrap();
        symlink("nowhere", root.join("README")).unwrap();
        symlink("self.yaml", root.join("self.yaml")).unwrap();
        symlink("nowhere", root.join(".hidden.yaml")).unwrap();
        let found = files(&[root.to_owned()], yaml);
        assert_eq!(
            names(&found, root),
            [
                "bad\u{fffd}name.yaml",
                "dangling.yaml (unreadable)",
                "self.yaml (unreadable)"
            ]
        );
    }

    #[test]
    fn a_missing_root_is_reported_not_fatal() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("a.yaml"), "").unwrap();
        let found = files(&[root.join("missing"), root.join("a.yaml")], yaml);
        assert_eq!(names(&found, root), ["missing (unreadable)", "a.yaml"]);
    }
}
