//! Writing results safely: atomic (a `tempfile` beside the target, fsync,
//! then a no-clobber or replacing rename), never replacing an earlier plan
//! unless asked to; and where user files live by default (XDG; the passwd home when `HOME` is unset).

use std::ffi::OsString;
use std::fs::{OpenOptions, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::Error;

/// The directory plans go to when `--out` is not given. `env` looks up an
/// environment variable (`command::Env`, so tests can give their own).
pub fn default_plan_dir(env: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    env("DEFUSE_PLAN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("defuse-plans"))
}

/// Which XDG base directory a default path lives in.
#[derive(Debug, Clone, Copy)]
pub enum BaseDir {
    /// `$XDG_STATE_HOME`, else `~/.local/state` (drafts).
    State,
    /// `$XDG_DATA_HOME`, else `~/.local/share` (the case archive).
    Data,
}

/// `$OVERRIDE`, else `BASE/defuse/NAME` in the XDG base directory (a
/// relative `$XDG_*` is ignored, as the spec says). With `HOME` unset the
/// home directory comes from the passwd entry; with no home at all, or a
/// relative one, this is an error that says what to set: never the
/// current directory, where files would land wherever defuse was started.
/// `env` looks up an environment variable (`command::Env`).
pub fn user_path(
    env: impl Fn(&str) -> Option<OsString>,
    override_var: &str,
    base: BaseDir,
    name: &str,
) -> Result<PathBuf, Error> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = var(override_var) {
        return Ok(path);
    }
    let (xdg_var, what, under_home) = match base {
        BaseDir::State => ("XDG_STATE_HOME", "state", ".local/state"),
        BaseDir::Data => ("XDG_DATA_HOME", "data", ".local/share"),
    };
    if let Some(dir) = var(xdg_var).filter(|d| d.is_absolute()) {
        return Ok(dir.join("defuse").join(name));
    }
    let no_home = || {
        Error::Usage(format!(
            "no usable home directory to keep defuse's {what} in: HOME must be an \
             absolute path (when it is unset, the user's passwd entry is used); \
             set HOME, {xdg_var} or {override_var}"
        ))
    };
    let home = match var("HOME") {
        Some(home) => home,
        // Only reached with HOME unset, where std reads the passwd entry.
        None => std::env::home_dir().ok_or_else(no_home)?,
    };
    if !home.is_absolute() {
        return Err(no_home());
    }
    Ok(home.join(under_home).join("defuse").join(name))
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_owned(),
        source,
    }
}

/// Whether `--out PATH` means standard output: `-`, or a name of the
/// process's own stdout, which must be written through, not renamed over.
pub fn is_stdout(path: &Path) -> bool {
    ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]
        .iter()
        .any(|name| path.as_os_str() == *name)
}

/// Whether two paths name the same file (device and inode, links
/// followed): comparing strings misses `./x`, `../d/x` and symlinks.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Refuses an output path that is one of the inputs, so `--force` can
/// never replace the answers file or playbook being read with the plan.
pub fn refuse_input_as_output(out: &Path, inputs: &[&Path]) -> Result<(), Error> {
    match inputs.iter().find(|input| same_file(out, input)) {
        Some(input) => Err(Error::Usage(format!(
            "--out {} is the same file as the input {}; write the plan elsewhere",
            out.display(),
            input.display()
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
thread_local! {
    /// How many times this thread staged contents (see `write_new`'s test).
    static STAGED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Writes `contents` to a fresh temporary file in `dir` and syncs it. The
/// name is unpredictable and the file is removed if it is dropped unpersisted,
/// so a failed write leaves nothing behind.
fn stage(dir: &Path, target: &Path, contents: &[u8]) -> Result<NamedTempFile, Error> {
    #[cfg(test)]
    STAGED.with(|n| n.set(n.get() + 1));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".defuse-").suffix(".tmp");
    // A plan is an ordinary file: the mode a plain `create` would give
    // (0666 less the umask), not the 0600 tempfile defaults to.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(write_err(target))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(write_err(target))?;
    Ok(temp)
}

fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn sync_dir(dir: &Path) {
    // Best effort: makes the rename durable on filesystems that need it.
    let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
}

fn already_exists(path: &Path) -> Error {
    Error::Usage(format!(
        "{} already exists; pass --force to replace it",
        path.display()
    ))
}

/// Atomically writes `path`. Without `replace`, fails if it exists.
///
/// An existing target that is not a regular file (`/dev/null`, a FIFO, a
/// terminal) is written through, never renamed over (and needs no
/// `replace` unless it is a block device): replacing a device
/// with a file would break every other program that uses it. A symlink is
/// followed, so the file it points to is replaced, not the link. A replaced
/// file keeps its permissions.
pub fn write_file(path: &Path, contents: &[u8], replace: bool) -> Result<(), Error> {
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = &existing {
        if meta.is_dir() {
            return Err(Error::Usage(format!("{} is a directory", path.display())));
        }
        if !meta.is_file() {
            // A character device or a pipe (`/dev/null`, `>(…)`) only takes
            // what is written; a block device would be overwritten.
            use std::os::unix::fs::FileTypeExt;
            let harmless = meta.file_type().is_char_device() || meta.file_type().is_fifo();
            if !replace && !harmless {
                return Err(Error::Usage(format!(
                    "{} already exists; pass --force to write to it",
                    path.display()
                )));
            }
            let mut target = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(write_err(path))?;
            return target
                .write_all(contents)
                .and_then(|()| target.flush())
                .map_err(write_err(path));
        }
    }
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = std::fs::canonicalize(path).map_err(write_err(path))?;
        resolved.as_path()
    } else {
        path
    };
    if !replace && existing.is_some() {
        return Err(already_exists(path));
    }
    let dir = parent_dir(path);
    let temp = stage(dir, path, contents)?;
    if replace {
        if let Some(meta) = &existing {
            temp.as_file()
                .set_permissions(meta.permissions())
                .map_err(write_err(path))?;
        }
        temp.persist(path).map_err(|e| write_err(path)(e.error))?;
    } else {
        temp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                already_exists(path)
            } else {
                write_err(path)(e.error)
            }
        })?;
    }
    sync_dir(dir);
    Ok(())
}

/// Writes a new file named `stem.ext` in `dir`, or `stem-2.ext`, `stem-3.ext`…
/// if taken, so an earlier plan is never replaced. Returns the path used.
/// The contents are written and synced once; each taken name costs only a
/// failed no-clobber rename.
pub fn write_new(dir: &Path, stem: &str, ext: &str, contents: &[u8]) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let mut temp = stage(dir, dir, contents)?;
    for n in 1..10_000u32 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match temp.persist_noclobber(&path) {
            Ok(_) => {
                sync_dir(dir);
                return Ok(path);
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(write_err(&path)(e.error)),
        }
    }
    Err(write_err(dir)(std::io::Error::other("no free file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_free_name_is_found_with_one_write_and_no_temp_file_left() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["plan.md", "plan-2.md", "plan-3.md"] {
            std::fs::write(tmp.path().join(name), "earlier").unwrap();
        }
        STAGED.with(|n| n.set(0));
        let path = write_new(tmp.path(), "plan", "md", b"new").unwrap();
        assert_eq!(path, tmp.path().join("plan-4.md"));
        assert_eq!(STAGED.with(std::cell::Cell::get), 1, "staged once");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(
            std::fs::read(tmp.path().join("plan.md")).unwrap(),
            b"earlier"
        );
        assert_eq!(
            listing(tmp.path()),
            ["plan-2.md", "plan-3.md", "plan-4.md", "plan.md"]
        );
    }

    #[test]
    fn a_refused_write_leaves_no_temp_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("plan.md");
        std::fs::write(&path, "earlier").unwrap();
        assert!(matches!(
            write_file(&path, b"new", false),
            Err(Error::Usage(_))
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"earlier");
        assert_eq!(listing(tmp.path()), ["plan.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn force_keeps_the_replaced_files_mode() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("plan.md");
        std::fs::write(&path, "earlier").unwrap();
        std::fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
        write_file(&path, b"new", true).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(listing(tmp.path()), ["plan.md"]);
    }

    #[test]
    fn the_same_file_is_recognised_by_identity_not_name() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.yaml");
        std::fs::write(&path, "x").unwrap();
        let roundabout = tmp.path().join(".").join("a.yaml");
        assert!(same_file(&path, &roundabout));
        assert!(refuse_input_as_output(&roundabout, &[&path]).is_err());
        assert!(!same_file(&path, &tmp.path().join("b.yaml")));
        assert!(refuse_input_as_output(&tmp.path().join("b.yaml"), &[&path]).is_ok());
    }
}
