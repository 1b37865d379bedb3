//! A tmux pane on a private tmux server, for the live view's end-to-end
//! tests: keys and mouse bytes in, `capture-pane` out. Every wait is
//! bounded; the server is killed when the pane is dropped.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{BIN, mpi_env};

/// Longest wait for anything to show up on screen (a loaded 2-core box).
pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Pane {
    pub socket: String,
}

impl Pane {
    pub fn start(width: u16, height: u16) -> Pane {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "life-tui-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let pane = Pane { socket };
        let mut command = Command::new("tmux");
        mpi_env(&mut command);
        command
            .env("PS1", "$ ")
            .env_remove("TMUX")
            .env_remove("RUST_BACKTRACE")
            .args([
                "-L",
                &pane.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                "bash --norc --noprofile",
            ]);
        let status = command.status().expect("tmux runs (run `make deps`)");
        assert!(status.success(), "tmux new-session failed");
        pane
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn keys(&self, keys: &str) {
        self.tmux(&["send-keys", "-l", keys]);
    }

    pub fn line(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
        self.tmux(&["send-keys", "Enter"]);
    }

    pub fn bytes(&self, bytes: &[u8]) {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut args = vec!["send-keys", "-H"];
        args.extend(hex.iter().map(String::as_str));
        self.tmux(&args);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    pub fn alternate_on(&self) -> bool {
        self.tmux(&["display-message", "-p", "#{alternate_on}"])
            .trim()
            == "1"
    }

    pub fn pid(&self) -> u32 {
        self.tmux(&["display-message", "-p", "#{pane_pid}"])
            .trim()
            .parse()
            .expect("pane pid")
    }

    /// Waits until `check` accepts the screen; fails with the screen.
    pub fn wait_for(&self, what: &str, limit: Duration, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if start.elapsed() > limit {
                panic!("timed out after {limit:?} waiting for {what}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The generation in the status bar, if the view is up.
pub fn generation(screen: &str) -> Option<u64> {
    let at = screen.find(" gen ")? + 5;
    let digits: String = screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

pub fn exit_code(screen: &str) -> Option<i32> {
    let at = screen.find("EXIT=")? + 5;
    let digits: String = screen[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

pub fn has_braille(screen: &str) -> bool {
    screen
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count()
        > 20
}

/// After the program ended: `stty -a` shows cooked mode with echo, and the
/// pane is on the main screen.
pub fn assert_sane_terminal(pane: &Pane) {
    assert!(!pane.alternate_on(), "still on the alternate screen");
    pane.line(r#"clear; echo "MODES $(stty -a | tr -s ' ;' '\n\n' | grep -E -x -- '-?(opost|icanon|echo)' | paste -sd,)""#);
    let screen = pane.wait_for("stty output", PATIENCE, |s| {
        s.lines()
            .any(|l| l.starts_with("MODES ") && !l.contains('$'))
    });
    let line = screen
        .lines()
        .find(|l| l.starts_with("MODES ") && !l.contains('$'))
        .unwrap_or_default();
    assert_eq!(
        line.trim_end(),
        "MODES opost,icanon,echo",
        "terminal modes not restored:\n{screen}"
    );
}

pub fn launch_line(mode: &str, args: &str) -> String {
    match mode {
        "alone" => format!("{BIN} {args}; echo EXIT=$?"),
        "mpirun" => format!("mpirun --bind-to none -np 4 {BIN} {args}; echo EXIT=$?"),
        "stdin-none" => {
            format!("mpirun --stdin none --bind-to none -np 4 {BIN} {args}; echo EXIT=$?")
        }
        // As under MPICH's Hydra: no rank has a controlling terminal, so
        // rank 0 is told which terminal to use.
        "detached" => format!(
            "setsid -w mpirun --stdin none --bind-to none -np 2 {BIN} --tty $(tty) {args} </dev/null; echo EXIT=$?"
        ),
        _ => unreachable!(),
    }
}
