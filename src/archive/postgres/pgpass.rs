//! libpq's password file (`~/.pgpass`, or `$PGPASSFILE`): lines of
//! `hostname:port:database:username:password`, `*` matching anything, `\:`
//! and `\\` escaping, `#` starting a comment line; the first matching line
//! wins. A file that group or others can read is refused, as libpq does
//! (it ignores one with a warning; defuse stops, so the rep fixes it).

use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The password for this connection in `path`, if the file exists and a
/// line matches; an error (what to fix) if it cannot be used.
pub fn lookup(
    path: &Path,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Result<Option<String>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("password file {}: {e}", path.display())),
    };
    if !meta.is_file() {
        return Ok(None);
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "password file {} has group or world access; make it private: chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
    let text = crate::read::read_text(path, 1 << 20).map_err(|e| format!("password file: {e}"))?;
    Ok(find(&text, host, port, dbname, user))
}

/// The first line of `text` that matches the connection.
pub fn find(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(fields)
        .find(|f| {
            [host, port.as_str(), dbname, user]
                .iter()
                .zip(&f[..4])
                .all(|(want, field)| field == "*" || field == want)
        })
        .map(|mut f| f.swap_remove(4))
}

/// A line's five fields, unescaped; `None` for a line with fewer. The
/// password is everything after the fourth `:`.
fn fields(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut()?.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# team archive\n\
        db.example:5432:team:rep:s3cret\n\
        db.example:*:*:lead:with\\:colon\\\\and:more\n\
        *:*:*:*:fallback\n";

    #[test]
    fn the_first_matching_line_wins_with_wildcards_and_escapes() {
        assert_eq!(
            find(FILE, "db.example", 5432, "team", "rep").as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            find(FILE, "db.example", 6000, "other", "lead").as_deref(),
            Some("with:colon\\and:more")
        );
        assert_eq!(
            find(FILE, "db.example", 5433, "team", "rep").as_deref(),
            Some("fallback")
        );
        assert_eq!(find("a:1:b:c\n# x:1:2:3:4\n", "a", 1, "b", "c"), None);
        assert_eq!(find("", "a", 1, "b", "c"), None);
    }

    #[test]
    fn a_file_others_can_read_is_refused_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        assert_eq!(lookup(&path, "h", 1, "d", "u"), Ok(None));
        std::fs::write(&path, "h:1:d:u:pw\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = lookup(&path, "h", 1, "d", "u").unwrap_err();
        assert!(err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(lookup(&path, "h", 1, "d", "u"), Ok(Some("pw".into())));
    }
}
