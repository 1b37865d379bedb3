//! The input thread: raw bytes (mpirun's forwarded stdin or the tty) are
//! decoded with `termina`'s parser into key and mouse events, which join
//! the main loop's one event channel.

use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;

use rustix::event::{PollFd, PollFlags, Timespec};
use termina::{Event as TerminalEvent, Parser};

pub use termina::event::{KeyEvent, MouseEvent};

/// Everything the main loop reacts to besides the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The input ended (mpirun closed our stdin): keys no longer arrive.
    InputClosed,
}

/// Decodes a chunk of bytes as read (a lone Esc at the end is the key).
pub fn decode(parser: &mut Parser, bytes: &[u8]) -> Vec<Event> {
    parser.parse(bytes, false);
    std::iter::from_fn(|| parser.pop())
        .filter_map(|event| match event {
            TerminalEvent::Key(key) => Some(Event::Key(key)),
            TerminalEvent::Mouse(mouse) => Some(Event::Mouse(mouse)),
            _ => None,
        })
        .collect()
}

/// The running input thread.
pub struct Input {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Input {
    /// Reads `source` on a thread, sending decoded events to `events`.
    pub fn spawn(source: OwnedFd, events: Sender<Event>) -> Input {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("input".into())
            .spawn(move || read_loop(source, &events, &stopping))
            .expect("spawn the input thread");
        Input {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops reading (within one poll interval) before the terminal is
    /// restored, so no read is left pending on it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn read_loop(source: OwnedFd, events: &Sender<Event>, stop: &AtomicBool) {
    let mut parser = Parser::default();
    let mut buffer = [0u8; 4096];
    let interval = Timespec {
        tv_sec: 0,
        tv_nsec: 30_000_000,
    };
    while !stop.load(Ordering::SeqCst) {
        let mut fds = [PollFd::new(&source, PollFlags::IN)];
        match rustix::event::poll(&mut fds, Some(&interval)) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        }
        match rustix::io::read(source.as_fd(), &mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                for event in decode(&mut parser, &buffer[..n]) {
                    if events.send(event).is_err() {
                        return;
                    }
                }
            }
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
            Err(_) => break,
        }
    }
    if !stop.load(Ordering::SeqCst) {
        // Not stopped by the view: the input itself ended.
        super::terminal::give_back_ctrl_c();
    }
    let _ = events.send(Event::InputClosed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use termina::event::{KeyCode, Modifiers, MouseButton, MouseEventKind};

    #[test]
    fn decodes_keys_mouse_and_split_sequences() {
        let mut parser = Parser::default();
        let events = decode(&mut parser, b"q \x03\x1b[A");
        assert_eq!(events.len(), 4);
        assert!(matches!(events[0], Event::Key(k) if k.code == KeyCode::Char('q')));
        assert!(
            matches!(events[2], Event::Key(k) if k.code == KeyCode::Char('c') && k.modifiers.contains(Modifiers::CONTROL))
        );
        assert!(matches!(events[3], Event::Key(k) if k.code == KeyCode::Up));
        assert!(decode(&mut parser, b"\x1b[<0;1").is_empty());
        let events = decode(&mut parser, b"0;5M");
        assert!(
            matches!(events[..], [Event::Mouse(m)] if m.kind == MouseEventKind::Down(MouseButton::Left) && m.column == 9 && m.row == 4)
        );
        let events = decode(&mut parser, b"\x1b");
        assert!(matches!(events[..], [Event::Key(k)] if k.code == KeyCode::Escape));
    }
}
