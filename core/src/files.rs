//! Files in and out. Inputs are read only when they are regular files of
//! bounded size (a device, FIFO or endless /proc file would never end).
//! Outputs are written so that a reader never sees half of one: a temporary
//! file in the same directory, flushed to disk, then renamed over the target.

use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// The most bytes read from one input file. Every rank receives the whole
/// file in one broadcast, whose count MPI holds in a 32-bit int; a gibibyte
/// of RLE is far beyond any published pattern.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: directory {dir} does not exist")]
    NoDirectory { path: PathBuf, dir: PathBuf },
    #[error("{path}: cannot write in {dir}: {source}")]
    NotWritable {
        path: PathBuf,
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: is a directory")]
    IsDirectory { path: PathBuf },
    #[error("{path}: is {what}, not a regular file")]
    NotRegular { path: PathBuf, what: &'static str },
    #[error("{path}: larger than the limit of {} for an input file", human_limit())]
    TooLarge { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn human_limit() -> String {
    format!("{} MiB", MAX_INPUT_BYTES >> 20)
}

/// What a file that is neither regular nor a directory is, for messages.
fn kind_of(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("a directory")
    } else if file_type.is_fifo() {
        Some("a FIFO")
    } else if file_type.is_char_device() {
        Some("a character device")
    } else if file_type.is_block_device() {
        Some("a block device")
    } else if file_type.is_socket() {
        Some("a socket")
    } else {
        Some("a special file")
    }
}

/// Reads a whole input file: a regular file (after following links) of at
/// most [`MAX_INPUT_BYTES`]. Anything else is refused before it is opened,
/// so a FIFO cannot block and a device cannot stream forever.
pub fn read_input(path: &Path) -> Result<Vec<u8>, FileError> {
    let io = |source| FileError::Io {
        path: path.into(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if metadata.is_dir() {
        return Err(FileError::IsDirectory { path: path.into() });
    }
    if let Some(what) = kind_of(metadata.file_type()) {
        return Err(FileError::NotRegular {
            path: path.into(),
            what,
        });
    }
    let too_large = || FileError::TooLarge { path: path.into() };
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    // The length can lie (/proc files say 0, a file may grow), so the read
    // itself stops one byte past the limit.
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks, before any work is done, that `path` could be written: its
/// directory exists and accepts a new file.
pub fn check_writable(path: &Path) -> Result<(), FileError> {
    let dir = directory_of(path);
    if path.is_dir() {
        return Err(FileError::IsDirectory { path: path.into() });
    }
    // Renaming over /dev/null or a FIFO would replace it with a plain file.
    if let Some(what) = std::fs::metadata(path)
        .ok()
        .and_then(|m| kind_of(m.file_type()))
    {
        return Err(FileError::NotRegular {
            path: path.into(),
            what,
        });
    }
    if !dir.is_dir() {
        return Err(FileError::NoDirectory {
            path: path.into(),
            dir,
        });
    }
    tempfile::Builder::new()
        .prefix(".life-tui-check")
        .tempfile_in(&dir)
        .map(drop)
        .map_err(|source| FileError::NotWritable {
            path: path.into(),
            dir,
            source,
        })
}

/// Replaces `path` with `bytes` atomically: temp file, fsync, rename, so
/// that an interruption at any point leaves either the old or the new file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let dir = directory_of(path);
    let io = |source| FileError::Io {
        path: path.into(),
        source,
    };
    // 0666 less the umask, as for any new file (tempfile's default is 0600).
    let mut temp = tempfile::Builder::new()
        .prefix(".life-tui-")
        .suffix(".tmp")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(&dir)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    // The rename itself is durable only once the directory is synced.
    if let Ok(dir) = std::fs::File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_the_file_and_leave_no_temp_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.rle");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).unwrap().permissions(),
        );
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .map(|m| u32::from_str_radix(m.trim(), 8).unwrap())
            .unwrap();
        assert_eq!(mode & 0o777, 0o666 & !umask, "the usual mode of a new file");
    }

    #[test]
    fn missing_directories_and_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope/out.rle");
        assert!(
            check_writable(&missing)
                .unwrap_err()
                .to_string()
                .contains("does not exist")
        );
        assert!(
            check_writable(dir.path())
                .unwrap_err()
                .to_string()
                .contains("is a directory")
        );
        assert!(check_writable(&dir.path().join("fine.rle")).is_ok());
    }
}
