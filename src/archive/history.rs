//! A customer's earlier cases for a live call, without ever making the rep
//! wait on the network: nothing is opened before the customer is known, a
//! file archive is read as it is, and a server is asked on a thread the
//! call waits for at most [`HISTORY_BUDGET`]. A lookup that fails or runs
//! late means no history, and says why ([`History::unavailable`]).

use std::cell::{OnceCell, RefCell};
use std::sync::mpsc;
use std::time::Duration;

use super::postgres::{Pg, Server};
use super::{Access, Archive, Location};
use crate::error::Error;
use crate::triage::history::{History, PastCase};

/// How long a live call waits for a server's history of the customer.
pub const HISTORY_BUDGET: Duration = Duration::from_millis(300);

/// The archive opened (read-only) on the first history lookup, not before:
/// a live session's first prompt never waits for the database.
pub struct LazyHistory {
    location: Location,
    /// A file archive, once opened (`None`: it could not be).
    file: OnceCell<Option<Archive>>,
    /// A server connection that answered in time, kept for the next lookup.
    server: RefCell<Option<Pg>>,
    /// Why the server's history is not in this call (then it is not asked again:
    /// the rep waits for a slow server once at most).
    unavailable: RefCell<Option<String>>,
}

impl LazyHistory {
    pub fn new(location: &Location) -> Self {
        LazyHistory {
            location: location.clone(),
            file: OnceCell::new(),
            server: RefCell::new(None),
            unavailable: RefCell::new(None),
        }
    }

    fn ask_server(&self, server: &Server, customer: &str, before: i64) -> Vec<PastCase> {
        if self.unavailable.borrow().is_some() {
            return Vec::new();
        }
        let kept = self.server.borrow_mut().take();
        let (server, customer) = (server.clone(), customer.to_owned());
        let (sender, receiver) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("defuse-history".into())
            .spawn(move || {
                let looked_up = (|| {
                    let pg = match kept {
                        Some(pg) => pg,
                        None => Pg::open(&server, Access::Read)?,
                    };
                    let cases = pg.history(&customer, before)?;
                    Ok::<_, Error>((pg, cases))
                })();
                let _ = sender.send(looked_up);
            });
        if let Err(e) = spawned {
            *self.unavailable.borrow_mut() = Some(format!("cannot start the lookup: {e}"));
            return Vec::new();
        }
        match receiver.recv_timeout(HISTORY_BUDGET) {
            Ok(Ok((pg, cases))) => {
                *self.server.borrow_mut() = Some(pg);
                cases
            }
            // A server with no archive yet has no history to miss.
            Ok(Err(Error::Usage(_))) => Vec::new(),
            Ok(Err(e)) => {
                *self.unavailable.borrow_mut() = Some(reason(&e));
                Vec::new()
            }
            // The thread is left to finish or fail on its own; the call goes on.
            Err(_) => {
                *self.unavailable.borrow_mut() = Some(format!(
                    "the server did not answer within {} ms",
                    HISTORY_BUDGET.as_millis()
                ));
                Vec::new()
            }
        }
    }
}

/// An archive error without the archive's name (the plan line names none).
pub(super) fn reason(e: &Error) -> String {
    match e {
        Error::Archive { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

impl History for LazyHistory {
    fn earlier_cases(&self, customer: &str, before_epoch: i64) -> Vec<PastCase> {
        // No customer yet (the first prompt): nothing to look up, and
        // nothing may be opened before the rep has typed a word.
        if customer.trim().is_empty() {
            return Vec::new();
        }
        match &self.location {
            Location::Server(server) => self.ask_server(server, customer, before_epoch),
            // A missing archive has no history, and one that cannot be opened
            // means none either; storing the case at the end reports the problem.
            Location::File(_) => self
                .file
                .get_or_init(|| Archive::open(&self.location, Access::Read).ok())
                .as_ref()
                .map(|a| a.earlier_cases(customer, before_epoch))
                .unwrap_or_default(),
        }
    }

    fn unavailable(&self) -> Option<String> {
        self.unavailable.borrow().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn black_hole() -> (TcpListener, Location) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = format!("postgres://rep@127.0.0.1:{port}/team?sslmode=disable");
        let env = |name: &str| (name == "USER").then(|| "rep".into());
        (listener, Location::parse(url.as_ref(), env).unwrap())
    }

    /// The first prompt asks for the customer: until it is answered the
    /// server is not even connected to.
    #[test]
    fn no_customer_no_connection() {
        let (listener, location) = black_hole();
        listener.set_nonblocking(true).unwrap();
        let history = LazyHistory::new(&location);
        assert!(history.earlier_cases("", 0).is_empty());
        assert!(history.earlier_cases("  ", 0).is_empty());
        assert!(listener.accept().is_err(), "nothing connected");
        assert_eq!(history.unavailable(), None);
    }

    /// A server that accepts and never answers costs the call the budget
    /// once, and the plan learns why.
    #[test]
    fn a_silent_server_means_no_history_and_says_why() {
        let (_listener, location) = black_hole();
        let history = LazyHistory::new(&location);
        assert!(history.earlier_cases("Acme", 0).is_empty());
        let why = history.unavailable().expect("unavailable");
        assert!(why.contains("did not answer within 300 ms"), "{why}");
        // Not asked again for the next customer.
        assert!(history.earlier_cases("Other", 0).is_empty());
    }

    #[test]
    fn a_refused_connection_says_so() {
        let (listener, location) = black_hole();
        drop(listener);
        let history = LazyHistory::new(&location);
        assert!(history.earlier_cases("Acme", 0).is_empty());
        let why = history.unavailable().expect("unavailable");
        assert!(why.to_lowercase().contains("refused"), "{why}");
    }
}
