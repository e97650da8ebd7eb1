//! Writing results safely: atomic (temp file, fsync, rename or link), never
//! replacing an earlier plan unless asked to.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The directory plans go to when `--out` is not given. `env` looks up an
/// environment variable (`command::Env`, so tests can give their own).
pub fn default_plan_dir(env: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    env("DEFUSE_PLAN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("defuse-plans"))
}

/// `$OVERRIDE`, else `$XDG_VAR/defuse/NAME`, else `~/HOME_DIR/defuse/NAME`,
/// else `fallback` (no home at all): the XDG base-directory convention.
/// `env` looks up an environment variable.
pub fn xdg_path(
    env: impl Fn(&str) -> Option<OsString>,
    override_var: &str,
    xdg_var: &str,
    home_dir: &str,
    name: &str,
    fallback: &str,
) -> PathBuf {
    let env = |var: &str| env(var).filter(|v| !v.is_empty()).map(PathBuf::from);
    env(override_var)
        .or_else(|| env(xdg_var).map(|d| d.join("defuse").join(name)))
        .or_else(|| env("HOME").map(|h| h.join(home_dir).join("defuse").join(name)))
        .unwrap_or_else(|| PathBuf::from(fallback))
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_owned(),
        source,
    }
}

/// Writes `contents` to a fresh temporary file beside `target` and syncs it.
fn stage(target: &Path, contents: &[u8]) -> Result<PathBuf, Error> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    for attempt in 0..100u32 {
        let temp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(mut file) => {
                let result = file.write_all(contents).and_then(|()| file.sync_all());
                if let Err(e) = result {
                    let _ = std::fs::remove_file(&temp);
                    return Err(write_err(target)(e));
                }
                return Ok(temp);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_err(target)(e)),
        }
    }
    Err(write_err(target)(std::io::Error::other(
        "no free temporary file name",
    )))
}

fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // Best effort: makes the rename durable on filesystems that need it.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}

/// Atomically writes `path`. Without `replace`, fails if it exists.
///
/// An existing target that is not a regular file (`/dev/null`, a FIFO, a
/// terminal) is written through, never renamed over: replacing a device
/// with a file would break every other program that uses it. A symlink is
/// followed, so the file it points to is replaced, not the link.
pub fn write_file(path: &Path, contents: &[u8], replace: bool) -> Result<(), Error> {
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(Error::Usage(format!("{} is a directory", path.display())));
        }
        if !meta.is_file() {
            if !replace {
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
    let temp = stage(path, contents)?;
    let result = if replace {
        std::fs::rename(&temp, path)
    } else {
        // link() refuses to replace an existing file, atomically.
        std::fs::hard_link(&temp, path).inspect(|()| {
            let _ = std::fs::remove_file(&temp);
        })
    };
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Usage(format!(
                "{} already exists; pass --force to replace it",
                path.display()
            ))
        } else {
            write_err(path)(e)
        }
    })?;
    sync_dir(path);
    Ok(())
}

/// Writes a new file named `stem.ext` in `dir`, or `stem-2.ext`, `stem-3.ext`…
/// if taken, so an earlier plan is never replaced. Returns the path used.
pub fn write_new(dir: &Path, stem: &str, ext: &str, contents: &[u8]) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    for n in 1..10_000u32 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match write_file(&path, contents, false) {
            Ok(()) => return Ok(path),
            Err(Error::Usage(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(write_err(dir)(std::io::Error::other("no free file name")))
}
