//! The terminal under mpirun, on rank 0: everything about the tty lives
//! here (docs/ARCHITECTURE.md, "The terminal under mpirun", has the facts).
//!
//! Under `mpirun` rank 0 is a background job whose stdout is a pty made by
//! mpirun, so it never draws on stdout: it opens `/dev/tty` (ignoring
//! SIGTTOU, which would stop it), puts that in raw mode, and draws there.
//! Keys come from one of two places, chosen by [`LaunchMode`]. Restoring
//! the terminal is idempotent and async-signal-safe, so the same function
//! serves the normal exit, the panic hook and the signal handlers (mpirun
//! sends SIGCONT to every rank when one dies, then SIGTERM, then SIGKILL).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, Ordering};

use rustix::process::Pid;
use rustix::termios::{self, OptionalActions, Termios};

/// Where keys come from and who owns the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaunchMode {
    /// An ordinary foreground process (`life-tui` alone): read the tty.
    Foreground,
    /// Plain `mpirun`: it reads the terminal and forwards the bytes to our
    /// stdin (a FIFO). Read stdin; never take the foreground, or mpirun is
    /// stopped by SIGTTIN on the first key.
    Forwarded,
    /// `mpirun --stdin none`: nobody reads the terminal. Take the
    /// foreground, read the tty, and give the foreground back at exit.
    TakeForeground,
    /// A terminal named with `--tty` that is not our controlling terminal
    /// (MPICH's Hydra gives ranks none): no job control applies; read it.
    Detached,
}

#[derive(Debug, thiserror::Error)]
pub enum TtyError {
    #[error(
        "no terminal to draw on ({path}: {source}); the live view needs one: run with --headless, or pass --tty /dev/pts/N"
    )]
    NoTerminal { path: String, source: io::Error },
    #[error("{path} is not a terminal; run with --headless")]
    NotATerminal { path: String },
    #[error("cannot set up the terminal: {0}")]
    Setup(#[from] io::Error),
}

impl From<rustix::io::Errno> for TtyError {
    fn from(errno: rustix::io::Errno) -> TtyError {
        TtyError::Setup(errno.into())
    }
}

/// Escape codes to enter and leave the full-screen view: alternate
/// screen, cleared, cursor hidden, mouse reporting (press, drag, SGR).
pub const ENTER: &[u8] = b"\x1b[?1049h\x1b[2J\x1b[H\x1b[?25l\x1b[?1000h\x1b[?1002h\x1b[?1006h";
pub const LEAVE: &[u8] = b"\x1b[?1006l\x1b[?1002l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l";

// What the async-signal-safe restore needs, set before the view is up.
static TTY_FD: AtomicI32 = AtomicI32::new(-1);
static SAVED: OnceLock<Termios> = OnceLock::new();
static ORIGINAL_FOREGROUND: AtomicI32 = AtomicI32::new(0);
/// Whether the view is up: [`OFF`], [`UP`] or [`LEAVING`].
static VIEW: AtomicU8 = AtomicU8::new(OFF);
const OFF: u8 = 0;
const UP: u8 = 1;
/// A restore is under way (on some thread); anyone else waits for it.
const LEAVING: u8 = 2;
/// The terminal was restored behind the main loop's back (signal, panic):
/// stop drawing and leave.
static GONE: AtomicBool = AtomicBool::new(false);
/// Where a worker rank on this host leaves its panic message (see
/// [`worker_report_path`]), shown once the terminal is restored.
static WORKER_REPORT: OnceLock<std::ffi::CString> = OnceLock::new();

/// The file a worker rank writes its panic message to, for rank 0 (whose
/// pid is `leader`) to show on the restored terminal: whatever a worker
/// prints itself lands on the alternate screen, which the restore wipes.
pub fn worker_report_path(leader: u64) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("life-tui-{leader}.panic"))
}

/// On rank 0, before the view is up: show the workers' panic report when
/// the job is torn down.
pub fn watch_worker_reports(path: &Path) {
    let _ = std::fs::remove_file(path);
    if let Ok(path) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) {
        let _ = WORKER_REPORT.set(path);
    }
}

/// Copies a worker's panic report, if there is one, to the (restored)
/// terminal and removes it. Async-signal-safe: open, read, write, close and
/// unlink system calls on a path stored before the view was up.
fn show_worker_report() {
    let (Some(path), fd) = (WORKER_REPORT.get(), TTY_FD.load(Ordering::SeqCst)) else {
        return;
    };
    if fd < 0 {
        return;
    }
    let Ok(file) = rustix::fs::open(
        path.as_c_str(),
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    ) else {
        return;
    };
    // SAFETY: as in `restore`: TTY_FD is the Tty's file, open for the life
    // of the process.
    let tty = unsafe { BorrowedFd::borrow_raw(fd) };
    let mut buffer = [0u8; 2048];
    let mut start = true;
    while let Ok(n) = rustix::io::read(&file, &mut buffer) {
        if n == 0 {
            break;
        }
        if start {
            let _ = rustix::io::write(tty, b"\r\n");
            start = false;
        }
        // Raw output processing may be off: one line feed at a time, with
        // its carriage return.
        for line in buffer[..n].split_inclusive(|&b| b == b'\n') {
            match line.strip_suffix(b"\n") {
                Some(text) => {
                    let _ = rustix::io::write(tty, text);
                    let _ = rustix::io::write(tty, b"\r\n");
                }
                None => {
                    let _ = rustix::io::write(tty, line);
                }
            }
        }
    }
    drop(file);
    let _ = rustix::fs::unlink(path.as_c_str());
}

/// The terminal rank 0 draws on.
pub struct Tty {
    file: File,
    mode: LaunchMode,
}

fn ignore_signal(signal: i32) {
    // SAFETY: setting a signal's disposition to SIG_IGN runs no code of ours
    // in signal context and is always sound.
    unsafe {
        libc::signal(signal, libc::SIG_IGN);
    }
}

impl Tty {
    /// Opens the terminal (`/dev/tty`, or `path`) and works out the launch
    /// mode. Nothing on the screen changes yet.
    pub fn open(path: Option<&Path>) -> Result<Tty, TtyError> {
        // A background job touching its terminal's modes gets SIGTTOU, and
        // one reading it SIGTTIN; both would stop us (and hang the job).
        // Ignored, the calls go through (or fail with EIO).
        ignore_signal(libc::SIGTTOU);
        ignore_signal(libc::SIGTTIN);
        let shown = path.map_or("/dev/tty".to_string(), |p| p.display().to_string());
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
            .open(path.unwrap_or(Path::new("/dev/tty")))
            .map_err(|source| TtyError::NoTerminal {
                path: shown.clone(),
                source,
            })?;
        if !termios::isatty(&file) {
            return Err(TtyError::NotATerminal { path: shown });
        }
        let mode = match termios::tcgetpgrp(&file) {
            Ok(foreground) if foreground == rustix::process::getpgrp() => LaunchMode::Foreground,
            Ok(_) if stdin_is_fifo() => LaunchMode::Forwarded,
            Ok(_) if controls(&file) => LaunchMode::TakeForeground,
            _ => LaunchMode::Detached,
        };
        Ok(Tty { file, mode })
    }

    /// The terminal's size in characters (columns, rows), read from the
    /// tty itself: SIGWINCH goes to mpirun and never reaches us.
    pub fn size(&self) -> io::Result<(u16, u16)> {
        let size = termios::tcgetwinsize(&self.file)?;
        Ok((size.ws_col, size.ws_row))
    }

    /// Raw mode, alternate screen, hidden cursor, mouse; and the handlers
    /// that put everything back if we are killed or panic.
    pub fn enter(&mut self) -> Result<(), TtyError> {
        let saved = termios::tcgetattr(&self.file)?;
        let _ = SAVED.set(saved.clone());
        TTY_FD.store(self.file.as_raw_fd(), Ordering::SeqCst);
        // From here a restore has something to put back, even if a step
        // below fails.
        VIEW.store(UP, Ordering::SeqCst);
        if self.mode == LaunchMode::TakeForeground {
            let original = termios::tcgetpgrp(&self.file)?;
            termios::tcsetpgrp(&self.file, rustix::process::getpgrp())?;
            ORIGINAL_FOREGROUND.store(original.as_raw_nonzero().get(), Ordering::SeqCst);
        }
        install_handlers()?;
        let mut raw = saved;
        raw.make_raw();
        termios::tcsetattr(&self.file, OptionalActions::Now, &raw)?;
        (&self.file).write_all(ENTER)?;
        Ok(())
    }

    /// Where the key bytes come from in this launch mode.
    pub fn input(&self) -> io::Result<OwnedFd> {
        match self.mode {
            LaunchMode::Forwarded => rustix::io::dup(rustix::stdio::stdin()).map_err(Into::into),
            _ => self.file.as_fd().try_clone_to_owned(),
        }
    }

    /// A writer to the terminal that drops everything once the terminal
    /// has been restored behind our back.
    pub fn writer(&self) -> io::Result<TtyWriter> {
        Ok(TtyWriter(self.file.try_clone()?))
    }
}

fn stdin_is_fifo() -> bool {
    rustix::fs::fstat(rustix::stdio::stdin())
        .map(|stat| rustix::fs::FileType::from_raw_mode(stat.st_mode) == rustix::fs::FileType::Fifo)
        .unwrap_or(false)
}

/// Whether `file` is this process's controlling terminal.
fn controls(file: &File) -> bool {
    match (termios::tcgetsid(file), rustix::process::getsid(None)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The keyboard's input ended while the view is up (a launcher stopped
/// forwarding it: `mpirun ... </dev/null`), so nothing reads the terminal
/// any more and raw mode would swallow its Ctrl-C. The terminal's own
/// Ctrl-C is turned back on: a SIGINT to the job in its foreground
/// (mpirun), which ends every rank, rank 0 restoring the terminal as on
/// any SIGINT.
pub fn give_back_ctrl_c() {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if VIEW.load(Ordering::SeqCst) != UP || fd < 0 {
        return;
    }
    // SAFETY: as in `put_terminal_back`: TTY_FD is the Tty's open file.
    let tty = unsafe { BorrowedFd::borrow_raw(fd) };
    if let Ok(mut modes) = termios::tcgetattr(tty) {
        modes.local_modes |= termios::LocalModes::ISIG;
        let _ = termios::tcsetattr(tty, OptionalActions::Now, &modes);
    }
}

/// True once the terminal was restored by a signal or a panic.
pub fn gone() -> bool {
    GONE.load(Ordering::SeqCst)
}

/// Leaves the view: mouse off, cursor shown, main screen, saved modes,
/// foreground given back. Async-signal-safe (only `write`, `tcsetattr`
/// and `tcsetpgrp` system calls, on values stored before the view was
/// up) and idempotent.
pub fn restore() {
    leave(After::Return);
}

/// What [`leave`] does once the terminal is back.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    Return,
    /// Behind the main loop's back: mark the view gone, show a worker's
    /// panic report if one is there, and (with `Some`) end the process.
    Teardown(Option<i32>),
}

/// The teardown signals, which must not interrupt a restore: mpirun sends
/// SIGCONT and SIGTERM back to back, and a SIGTERM handler nested in the
/// SIGCONT one found the view already leaving and exited before the saved
/// modes were set back (the shell came back in raw mode, 1 run in 3).
const TEARDOWN_SIGNALS: [i32; 5] = [
    libc::SIGCONT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
];

fn leave(after: After) {
    let blocked = block_teardown_signals();
    match VIEW.compare_exchange(UP, LEAVING, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => {
            if after != After::Return {
                GONE.store(true, Ordering::SeqCst);
            }
            put_terminal_back();
            if after != After::Return {
                show_worker_report();
            }
            VIEW.store(OFF, Ordering::SeqCst);
        }
        Err(LEAVING) => {
            // Another thread is restoring; this one cannot interrupt it (the
            // signals are blocked here), so wait for it to finish.
            while VIEW.load(Ordering::SeqCst) == LEAVING {
                let _ = rustix::thread::nanosleep(&rustix::thread::Timespec {
                    tv_sec: 0,
                    tv_nsec: 1_000_000,
                });
            }
        }
        Err(_) => {}
    }
    if let After::Teardown(Some(status)) = after {
        signal_hook::low_level::exit(status);
    }
    unblock(blocked);
}

/// Blocks [`TEARDOWN_SIGNALS`] on this thread; returns the mask before.
fn block_teardown_signals() -> libc::sigset_t {
    // SAFETY: sigemptyset, sigaddset and pthread_sigmask only write the
    // sets passed to them, all local; pthread_sigmask is async-signal-safe.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut before: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for signal in TEARDOWN_SIGNALS {
            libc::sigaddset(&mut set, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut before);
        before
    }
}

fn unblock(before: libc::sigset_t) {
    // SAFETY: as in `block_teardown_signals`: a mask this thread had.
    unsafe {
        libc::pthread_sigmask(libc::SIG_SETMASK, &before, std::ptr::null_mut());
    }
}

fn put_terminal_back() {
    let fd = TTY_FD.load(Ordering::SeqCst);
    if fd < 0 {
        return;
    }
    // SAFETY: TTY_FD was stored from the Tty's open file, which stays open
    // for the life of the process (the Tty is dropped only after this runs
    // on the normal path, and never closed on the others).
    let tty = unsafe { BorrowedFd::borrow_raw(fd) };
    let _ = rustix::io::write(tty, LEAVE);
    if let Some(saved) = SAVED.get() {
        let _ = termios::tcsetattr(tty, OptionalActions::Now, saved);
    }
    let original = ORIGINAL_FOREGROUND.load(Ordering::SeqCst);
    if let Some(pid) = Pid::from_raw(original) {
        let _ = termios::tcsetpgrp(tty, pid);
    }
}

fn install_handlers() -> io::Result<()> {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = (|| {
            // SAFETY: the handlers call only async-signal-safe functions:
            // `restore` (write, tcsetattr, tcsetpgrp, atomics),
            // `show_worker_report` (open, read, write, close, unlink), an
            // atomic store and `_exit`.
            unsafe {
                // mpirun sends SIGCONT when a rank died, then SIGTERM.
                signal_hook::low_level::register(libc::SIGCONT, || {
                    leave(After::Teardown(None));
                })?;
                for signal in TEARDOWN_SIGNALS.into_iter().filter(|&s| s != libc::SIGCONT) {
                    signal_hook::low_level::register(signal, move || {
                        leave(After::Teardown(Some(128 + signal)));
                    })?;
                }
            }
            Ok::<(), io::Error>(())
        })();
        // A lost peer ends the process from the watchdog's thread.
        crate::cluster::before_lost_peer_exit(restore);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave(After::Teardown(None));
            previous(info);
        }));
    });
    result
}

/// The terminal as a `Write`, muted once the view is gone.
pub struct TtyWriter(File);

impl Write for TtyWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if gone() {
            return Ok(bytes.len());
        }
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
