//! storekeep's reliability tools (issue 10, items 2, 6 and 7), as a library so that the
//! short CI form in `tests/it` runs the same code as the `storekeep-chaos` binary.
//!
//! - [`crash`]: acknowledged writes survive `SIGKILL` of the server (SQLite; several
//!   instances on one PostgreSQL database), and the database stays sound.
//! - [`timing`]: failed sign-ins and password-token requests take the same time whether the
//!   email is unknown, the password wrong or the customer in another store.
//! - [`soak`]: a sustained mixed load answers without errors in bounded memory.
//! - [`flood`]: bounded floods that must degrade to 401/503 in bounded memory while
//!   `/health` keeps answering — failing token requests (issue 14, item 1) and slow clients
//!   (issue 21, F4).
//!
//! The tools start and kill their own `storekeep` processes on loopback ports (or talk to a
//! running server on loopback); every loop is bounded in time or count. They never touch
//! the product code: only its binary and its HTTP API (and, for integrity checks, the
//! database files or server).

pub mod client;
pub mod crash;
pub mod db;
pub mod flood;
pub mod server;
pub mod soak;
pub mod stats;
pub mod target;
pub mod timing;
