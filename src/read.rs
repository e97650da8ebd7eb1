//! The one bounded reader: every file defuse reads (playbooks, answers,
//! scenarios, drafts) is a regular file of bounded size, so a FIFO, a device
//! or a huge file is refused up front instead of blocking or filling memory.

use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    Io(std::io::Error),
    /// A directory, FIFO or device: reading one would fail, block or never end.
    NotRegular,
    /// Over the limit; only the limit plus one byte was read to know it.
    TooLarge(u64),
}

/// Reads a regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    let meta = std::fs::metadata(path).map_err(ReadFailure::Io)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotRegular);
    }
    let file = std::fs::File::open(path).map_err(ReadFailure::Io)?;
    // Sized up front: `take` hides the size from `read_to_end`, which would
    // otherwise grow its buffer from a few bytes (ten reads for a 4 KB file).
    let expected = usize::try_from(meta.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads a regular file of at most `limit` bytes; a failure is an `Error`
/// that names the file.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    read_bounded(path, limit).map_err(|failure| match failure {
        ReadFailure::Io(source) => Error::Read {
            path: path.to_owned(),
            source,
        },
        ReadFailure::NotRegular => {
            Error::Usage(format!("{} is not a regular file", path.display()))
        }
        ReadFailure::TooLarge(limit) => Error::Usage(format!(
            "{} is over {limit} bytes; such files are refused",
            path.display()
        )),
    })
}

/// Reads a file as UTF-8 text, refusing huge files and non-regular ones up front.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Error> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::Usage(format!(
            "{}: not UTF-8 text (invalid byte at offset {at})",
            path.display()
        ))
    })
}
