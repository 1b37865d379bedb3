//! Writing files so that a reader never sees half of one: a temporary file
//! in the same directory, flushed to disk, then renamed over the target.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
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
