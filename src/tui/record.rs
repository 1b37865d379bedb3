//! `--record FILE.cast`: an asciicast v2 recording of exactly the bytes
//! rank 0 writes to the terminal, for a talk's fallback and the README's
//! animation. The format (asciinema's, version 2): one JSON header line
//! `{"version": 2, "width": W, "height": H, "timestamp": T, ...}`, then one
//! JSON array per event: `[seconds, "o", "bytes written"]` for output and
//! `[seconds, "r", "WxH"]` for a resize.
//!
//! [`Recording`] sits between ratatui's buffered writer and the terminal:
//! what ratatui flushes after a frame reaches the terminal and becomes one
//! output event. The escape codes that enter and leave the full-screen view
//! are written to the terminal elsewhere (see `terminal`), so they are
//! recorded as the first and the last event, with the same bytes.
//!
//! Each event is written to the file with one `write` as one whole line, so
//! that a crash leaves a file that is valid up to its last frame. The
//! normal exit adds the leaving event and syncs the file.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The recording file while the view is up.
pub struct Cast {
    path: PathBuf,
    file: File,
    started: Instant,
    /// Bytes written since the last event (with, at its start, the part of
    /// a UTF-8 character the last event could not end on).
    pending: Vec<u8>,
    /// The first failure to write the file; the recording stops there.
    failed: Option<io::Error>,
}

/// What `--record` could not do, for the one `error:` line.
#[derive(Debug, thiserror::Error)]
#[error("--record {}: {source}", path.display())]
pub struct RecordError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl Cast {
    /// Creates (or truncates) `path` and writes the header for a terminal
    /// of `columns` x `rows`, before the view is up: a path that cannot be
    /// written is an error at start, not a lost talk.
    pub fn create(path: &Path, columns: u16, rows: u16) -> Result<Cast, RecordError> {
        let error = |source| RecordError {
            path: path.to_path_buf(),
            source,
        };
        if path.is_dir() {
            return Err(error(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )));
        }
        let mut file = File::create(path).map_err(error)?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let term = std::env::var("TERM").unwrap_or_else(|_| "xterm-256color".into());
        let header = serde_json::json!({
            "version": 2,
            "width": columns,
            "height": rows,
            "timestamp": timestamp,
            "title": "life-tui",
            "env": { "TERM": term },
        });
        file.write_all(format!("{header}\n").as_bytes())
            .map_err(error)?;
        Ok(Cast {
            path: path.to_path_buf(),
            file,
            started: Instant::now(),
            pending: Vec::new(),
            failed: None,
        })
    }

    fn seconds(&self) -> f64 {
        (self.started.elapsed().as_secs_f64() * 1e6).round() / 1e6
    }

    fn event(&mut self, kind: &str, data: &str) {
        if self.failed.is_some() {
            return;
        }
        let line = serde_json::json!([self.seconds(), kind, data]).to_string() + "\n";
        if let Err(err) = self.file.write_all(line.as_bytes()) {
            self.failed = Some(err);
        }
    }

    /// Bytes the terminal was sent, to be recorded at the next [`Cast::output`].
    pub fn append(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// Records what was sent since the last event as one output event.
    /// JSON strings hold text: a UTF-8 character cut at the end waits for
    /// the next event; bytes that are no UTF-8 at all (ratatui sends none)
    /// become U+FFFD.
    pub fn output(&mut self) {
        let keep = incomplete_tail(&self.pending);
        let end = self.pending.len() - keep;
        if end == 0 {
            return;
        }
        let text = String::from_utf8_lossy(&self.pending[..end]).into_owned();
        self.pending.drain(..end);
        self.event("o", &text);
    }

    /// Records a change of the terminal's size.
    pub fn resized(&mut self, columns: u16, rows: u16) {
        self.output();
        self.event("r", &format!("{columns}x{rows}"));
    }

    /// After the terminal was restored: records the escape codes that
    /// left the view, and syncs the file. Says what went wrong, if anything.
    pub fn finish(&mut self, leave: &[u8]) -> Result<(), RecordError> {
        self.output();
        self.append(leave);
        self.output();
        let result = match self.failed.take() {
            Some(err) => Err(err),
            None => self.sync(),
        };
        result.map_err(|source| RecordError {
            path: self.path.clone(),
            source,
        })
    }
}

impl Cast {
    /// Syncs a regular file to disk. A pipe, a FIFO or `/dev/null` has
    /// nothing to sync and refuses fsync (EINVAL): what it was given is
    /// already written.
    fn sync(&self) -> io::Result<()> {
        if self.file.metadata()?.is_file() {
            self.file.sync_all()
        } else {
            Ok(())
        }
    }
}

/// How many bytes at the end of `bytes` start a UTF-8 character that is
/// not complete yet (0 to 3).
fn incomplete_tail(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => 0,
        Err(err) if err.error_len().is_none() => bytes.len() - err.valid_up_to(),
        Err(_) => {
            // Invalid bytes earlier on: only look at the last few.
            let start = bytes.len().saturating_sub(3);
            (start..bytes.len())
                .find(|&k| {
                    let tail = &bytes[k..];
                    matches!(std::str::from_utf8(tail), Err(e) if e.valid_up_to() == 0 && e.error_len().is_none())
                })
                .map_or(0, |k| bytes.len() - k)
        }
    }
}

/// A terminal writer that also records what passes through it: each
/// `flush` (ratatui flushes once per frame) ends one output event.
pub struct Recording<W: Write> {
    inner: W,
    cast: Option<Rc<RefCell<Cast>>>,
}

impl<W: Write> Recording<W> {
    /// `inner` itself, recording into `cast` when there is one.
    pub fn new(inner: W, cast: Option<Rc<RefCell<Cast>>>) -> Recording<W> {
        Recording { inner, cast }
    }
}

impl<W: Write> Write for Recording<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        if let Some(cast) = &self.cast {
            cast.borrow_mut().append(&bytes[..written]);
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        if let Some(cast) = &self.cast {
            cast.borrow_mut().output();
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_character_waits_for_the_next_event() {
        let braille = "⠿".as_bytes();
        assert_eq!(incomplete_tail(b"abc"), 0);
        assert_eq!(incomplete_tail(&braille[..1]), 1);
        assert_eq!(incomplete_tail(&[b'a', braille[0], braille[1]]), 2);
        assert_eq!(incomplete_tail(braille), 0);
        assert_eq!(incomplete_tail(&[0xff, b'a', braille[0]]), 1);
        assert_eq!(incomplete_tail(&[0xff, b'a']), 0);
    }

    #[test]
    fn events_are_whole_lines_of_json_with_whole_characters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.cast");
        let cast = Rc::new(RefCell::new(Cast::create(&path, 20, 5).unwrap()));
        let mut writer = Recording::new(Vec::new(), Some(Rc::clone(&cast)));
        let text = "\x1b[1;1H⠿⠿ gen 3\r\n\"q\"\\";
        let bytes = text.as_bytes();
        // Cut inside the second braille character.
        writer.write_all(&bytes[..10]).unwrap();
        writer.flush().unwrap();
        writer.write_all(&bytes[10..]).unwrap();
        writer.flush().unwrap();
        cast.borrow_mut().resized(30, 6);
        cast.borrow_mut().finish(b"\x1b[?1049l").unwrap();
        assert_eq!(writer.inner, bytes);
        let file = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = file
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["version"], 2);
        assert_eq!(lines[0]["width"], 20);
        assert_eq!(lines[0]["height"], 5);
        let events = &lines[1..];
        let output: String = events
            .iter()
            .filter(|e| e[1] == "o")
            .map(|e| e[2].as_str().unwrap())
            .collect();
        assert_eq!(output, format!("{text}\x1b[?1049l"));
        assert_eq!(events.len(), 4, "{file}");
        assert_eq!(events[2][1], "r");
        assert_eq!(events[2][2], "30x6");
        let times: Vec<f64> = events.iter().map(|e| e[0].as_f64().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }

    #[test]
    fn recording_to_dev_null_finishes_without_an_error() {
        let mut cast = Cast::create(Path::new("/dev/null"), 20, 5).unwrap();
        cast.append(b"frame");
        cast.output();
        cast.finish(b"\x1b[?1049l").unwrap();
    }

    #[test]
    fn recording_into_a_fifo_reaches_its_reader_and_finishes_without_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("cast.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening a FIFO for writing waits for a reader.
        let reader = std::process::Command::new("cat")
            .arg(&fifo)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut cast = Cast::create(&fifo, 20, 5).unwrap();
        cast.append(b"frame");
        cast.output();
        cast.finish(b"\x1b[?1049l").unwrap();
        drop(cast);
        let read = reader.wait_with_output().unwrap();
        let text = String::from_utf8(read.stdout).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[1][2], "frame");
        assert_eq!(lines[2][2], "\x1b[?1049l");
    }
}
