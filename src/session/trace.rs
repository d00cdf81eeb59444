//! Debug tracing with imaplib's levels: 1 connection events and NO/BAD/BYE, 3 capabilities,
//! 4 every line sent and received, 5 store operations too. Secrets never reach it: command
//! lines are traced in their redacted form (see `proto::encode`), and every line passes the
//! connection's [`Redactor`] (a server echoing a secret) before it is emitted.

use crate::proto::secret::Redactor;
use std::time::Instant;

/// Receives `(level, message)` for each trace event.
pub type TraceFn = Box<dyn FnMut(u8, &str) + Send>;

pub struct Tracer {
    pub level: u8,
    sink: Option<TraceFn>,
    start: Instant,
    /// The forms of every secret sent on the connection; also used by the session for every
    /// other text it hands out.
    pub redactor: Redactor,
}

impl Default for Tracer {
    fn default() -> Self {
        Tracer {
            level: 0,
            sink: None,
            start: Instant::now(),
            redactor: Redactor::default(),
        }
    }
}

impl Tracer {
    /// Sends events to `sink` instead of stderr (`None`: back to stderr).
    pub fn set_sink(&mut self, sink: Option<TraceFn>) {
        self.sink = sink;
    }

    pub fn enabled(&self, level: u8) -> bool {
        self.level >= level
    }

    /// Emits `msg()` if the level is high enough (the message is only built then).
    pub fn log(&mut self, level: u8, msg: impl FnOnce() -> String) {
        if !self.enabled(level) {
            return;
        }
        let mut msg = msg();
        self.redactor.text(&mut msg);
        match &mut self.sink {
            Some(f) => f(level, &msg),
            None => {
                let t = self.start.elapsed();
                let secs = t.as_secs();
                let line = format!(
                    "  {:02}:{:02}.{:02} {}\n",
                    (secs / 60) % 60,
                    secs % 60,
                    t.subsec_millis() / 10,
                    msg
                );
                // A closed or broken stderr loses the line; it neither panics (as eprintln!
                // would) nor raises SIGPIPE in the host.
                let _ = crate::transport::without_sigpipe(|| {
                    std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes())
                });
            }
        }
    }
}
