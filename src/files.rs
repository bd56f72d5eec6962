//! The one reading gate: every file the app or a command reads (a script, a lesson file,
//! the progress, the window's settings) goes through [`read_bytes`], which refuses what is
//! not a regular file before opening it and never reads past the limit it is given (the
//! limits are in [`crate::limits`]). And what a path is when it is not a regular file, in
//! words.

/// What a path names instead of a regular file, in words ("a FIFO", "a directory").
pub fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Why a file, or standard input, was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path names something else than a regular file ("a FIFO", "a directory"):
    /// refused before opening, so reading never waits for a writer or runs forever.
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    /// More bytes than the limit: `size` when the file said so before reading, `None`
    /// when the bytes ran past the limit while reading (a stream, or a growing file).
    #[error("{}; at most {limit} are read", match size {
        Some(size) => format!("it has {size} bytes"),
        None => format!("it has more than {limit} bytes"),
    })]
    TooBig {
        /// The file's length, when known.
        size: Option<u64>,
        /// The most bytes read.
        limit: u64,
    },
    /// Opening or reading failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The bytes are not UTF-8 text; the line and column of the first bad byte, from 1.
    #[error("{line}:{column}: invalid UTF-8")]
    NotUtf8 {
        /// The line of the first bad byte.
        line: usize,
        /// Its column, in characters.
        column: usize,
    },
}

impl ReadError {
    /// Whether the file does not exist (the progress store starts empty then).
    pub fn is_missing(&self) -> bool {
        matches!(self, Self::Io(error) if error.kind() == std::io::ErrorKind::NotFound)
    }
}

/// The one gate every file the app or a command reads goes through: `path` must name a
/// regular file (a symbolic link to one is followed) of at most `limit` bytes. Checked
/// before opening and again on the open file (the path may have been swapped in between),
/// and never more than `limit` + 1 bytes are read, so a FIFO, a device or a file that
/// grows cannot block the reader or exhaust its memory. The limits are in
/// [`crate::limits`].
pub fn read_bytes(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let size = inspect(path, limit)?;
    let mut file = std::fs::File::open(path)?;
    regular_within(&file.metadata()?, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    read_at_most(&mut file, limit, &mut bytes)?;
    Ok(bytes)
}

/// [`read_bytes`], as UTF-8 text.
pub fn read_text(path: &std::path::Path, limit: u64) -> Result<String, ReadError> {
    text(read_bytes(path, limit)?)
}

/// A stream (standard input) read to its end, refused past `limit` bytes.
pub fn read_stream(stream: &mut dyn std::io::Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    read_at_most(stream, limit, &mut bytes)?;
    Ok(bytes)
}

/// What the gate would say of `path` without opening it: its length if it is a regular
/// file within `limit`. For files another program opens (eframe's settings file).
pub fn inspect(path: &std::path::Path, limit: u64) -> Result<u64, ReadError> {
    regular_within(&std::fs::metadata(path)?, limit)
}

/// Bytes as UTF-8 text, else where the first bad byte is.
pub fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        // The prefix before the first bad byte is valid UTF-8 by definition.
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        ReadError::NotUtf8 {
            line: valid.matches('\n').count() + 1,
            column: valid[line_start..].chars().count() + 1,
        }
    })
}

fn regular_within(metadata: &std::fs::Metadata, limit: u64) -> Result<u64, ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooBig {
            size: Some(metadata.len()),
            limit,
        });
    }
    Ok(metadata.len())
}

fn read_at_most(
    reader: &mut dyn std::io::Read,
    limit: u64,
    bytes: &mut Vec<u8>,
) -> Result<(), ReadError> {
    std::io::Read::read_to_end(
        &mut std::io::Read::take(reader, limit.saturating_add(1)),
        bytes,
    )?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooBig { size: None, limit });
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("backprop-lab-files-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).expect("the temporary folder is writable");
        path
    }

    #[test]
    fn a_regular_file_within_its_limit_is_read_whole() {
        let path = temp_file("within", b"x = 1\n");
        assert_eq!(read_text(&path, 6).expect("reads"), "x = 1\n");
        assert!(matches!(
            read_text(&path, 5),
            Err(ReadError::TooBig {
                size: Some(6),
                limit: 5
            })
        ));
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn devices_and_folders_are_refused_before_opening() {
        for (path, kind) in [("/dev/zero", "a character device"), ("/", "a directory")] {
            let error = read_bytes(std::path::Path::new(path), 1 << 20).expect_err(path);
            assert_eq!(
                error.to_string(),
                format!("it is {kind}, not a regular file")
            );
        }
        let missing = read_bytes(std::path::Path::new("/nonexistent/x"), 10).expect_err("none");
        assert!(missing.is_missing());
    }

    #[test]
    fn a_stream_is_never_read_past_its_limit() {
        // An endless stream: the reader stops one byte past the limit.
        let mut endless = std::io::repeat(b'x');
        let error = read_stream(&mut endless, 1000).expect_err("too long");
        assert_eq!(
            error.to_string(),
            "it has more than 1000 bytes; at most 1000 are read"
        );
        let mut short: &[u8] = b"abc";
        assert_eq!(read_stream(&mut short, 3).expect("fits"), b"abc");
    }

    #[test]
    fn invalid_utf8_is_placed_at_its_line_and_column() {
        let error = text(b"x = 1\ny = \xc3\x28".to_vec()).expect_err("not UTF-8");
        assert_eq!(error.to_string(), "2:5: invalid UTF-8");
    }
}
