//! The `storekeep` binary as a process: it starts, refuses a database URL without a scheme
//! and a connection limit beyond the open-file limit with a hint, writes logs without colour
//! codes when stdout is not a terminal (or as JSON lines), and exits after SIGTERM within the
//! shutdown timeout even with a request in progress. Having an integration test also makes `cargo test --workspace` build
//! `target/<profile>/storekeep`, which `storekeep-chaos`'s crash test starts and kills.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn storekeep() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_storekeep"));
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().to_string();
        if k.starts_with("STOREKEEP_") || k.starts_with("CTP_") {
            c.env_remove(k);
        }
    }
    c
}

#[test]
fn prints_its_version() {
    let out = storekeep().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("storekeep "));
}

#[test]
fn a_database_url_without_scheme_is_refused_with_a_hint() {
    let out = storekeep()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "storekeep.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("must start with 'sqlite:'"), "{err}");
}

/// A `storekeep serve` on a free loopback port and a scratch SQLite file, with bootstrap
/// credentials (so it prints no first-start banner); stdout and stderr go to a log file.
struct Server {
    child: std::process::Child,
    port: u16,
    log: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let dir = std::env::temp_dir().join(format!(
            "storekeep-cli-test-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = dir.join("server.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = storekeep()
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--database-url")
            .arg(format!("sqlite:{}", dir.join("db.sqlite").display()))
            .args(extra)
            .env("CTP_PROJECT_KEY", "cli-test")
            .env("CTP_CLIENT_ID", "cli-test-client")
            .env("CTP_CLIENT_SECRET", "cli-test-secret-0123456789")
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let s = Server {
            child,
            port,
            log,
            dir,
        };
        s.wait_ready();
        s
    }

    fn wait_ready(&self) {
        for _ in 0..600 {
            if let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                use std::io::{Read, Write};
                let _ = c.write_all(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                let mut answer = String::new();
                let _ = c.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") {
                    return;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("server not ready; log:\n{}", self.log_text());
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then wait for the exit; a process still running after a minute is killed and
    /// the test fails (a hang guard, not a timing assertion).
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().unwrap() {
                let log = self.log_text();
                let _ = std::fs::remove_dir_all(&self.dir);
                return (status, log);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!(
            "the server did not exit after SIGTERM; log:\n{}",
            self.log_text()
        );
    }
}

#[test]
fn logs_carry_no_colour_codes_without_a_terminal() {
    let (status, log) = Server::start(&[]).terminate();
    assert!(status.success(), "{log}");
    assert!(log.contains("storekeep listening"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escape in a log file: {log:?}"
    );
}

#[test]
fn json_logs_are_one_object_per_line() {
    let (status, log) = Server::start(&["--log-format", "json"]).terminate();
    assert!(status.success(), "{log}");
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let listening = lines
        .iter()
        .find(|l| l["fields"]["message"] == "storekeep listening")
        .unwrap_or_else(|| panic!("no listening line in {log}"));
    assert_eq!(listening["level"], "INFO");
    assert!(listening["timestamp"].is_string());
    assert!(listening["fields"]["max_connections"].as_u64().unwrap() >= 1);
    assert!(!log.contains('\u{1b}'));
}

#[test]
fn sigterm_with_a_request_in_progress_exits_at_the_shutdown_timeout() {
    use std::io::Write;
    // The body timeout is far beyond the hang guard: only the shutdown bound can end this.
    let s = Server::start(&[
        "--shutdown-timeout-secs",
        "1",
        "--body-read-timeout-secs",
        "3600",
    ]);
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.write_all(
        b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
          Content-Length: 1000\r\n\r\ngrant_type=",
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (status, log) = s.terminate();
    assert!(status.success(), "{log}");
    assert!(
        log.contains("shutdown timeout reached"),
        "the request in progress was cut at the bound: {log}"
    );
    assert!(log.contains("database closed"), "{log}");
    drop(c);
}

#[test]
fn a_connection_limit_beyond_the_open_file_limit_is_refused() {
    let out = storekeep()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--max-connections",
            "1000000000",
        ])
        .args(["--database-url", "sqlite::memory:"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("open-file limit"), "{err}");
}
