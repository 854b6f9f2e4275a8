//! The `threatls` binary as a child process, for the hardening tests: one run of a command, or
//! a language-server session over stdio with real framing, optionally under a wrapper that
//! watches it (GNU `time` for its peak memory, `strace` for its system calls).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BINARY: &str = env!("CARGO_BIN_EXE_threatls");

/// How long anything may take before the test calls it a hang. Generous: the machine may be
/// busy, and a hang never ends.
pub const HANG: Duration = Duration::from_secs(30);

/// GNU `time` (Debian's `time`), which reports a child's peak resident memory from `wait4`.
const GNU_TIME: &str = "/usr/bin/time";

/// A program that runs the binary under a watcher, and where the watcher writes its report.
#[derive(Clone, Debug)]
pub struct Wrapper {
    pub prefix: Vec<OsString>,
    pub report: PathBuf,
}

impl Wrapper {
    /// GNU `time`, writing the peak resident set size in KiB to `report`.
    pub fn time(report: &Path) -> Wrapper {
        assert!(
            Path::new(GNU_TIME).exists(),
            "{GNU_TIME} is missing; install Debian's `time` (./test.sh does: apt-get install time)"
        );
        let prefix = [GNU_TIME, "-f", "%M", "-o"].iter().map(OsString::from).chain([report.as_os_str().to_owned()]);
        Wrapper { prefix: prefix.collect(), report: report.to_path_buf() }
    }

    /// The peak resident memory `time` reported, in KiB (its last line; a line before it says
    /// when the command exited with a non-zero status).
    pub fn peak_kib(&self) -> u64 {
        let report = std::fs::read_to_string(&self.report).unwrap();
        let last = report.lines().last().unwrap_or_default().trim().to_owned();
        last.parse().unwrap_or_else(|_| panic!("GNU time's report is not understood: {report:?}"))
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.prefix[0]);
        command.args(&self.prefix[1..]).arg(BINARY);
        command
    }
}

fn command(wrapper: Option<&Wrapper>) -> Command {
    wrapper.map_or_else(|| Command::new(BINARY), Wrapper::command)
}

/// Runs `threatls <args>` in `dir`, killing it if it hangs; returns its output and wall time.
pub fn run(wrapper: Option<&Wrapper>, dir: &Path, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = command(wrapper)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the pipes on threads, so that a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        out.read_to_end(&mut bytes).map(|_| bytes).unwrap_or_default()
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        err.read_to_end(&mut bytes).map(|_| bytes).unwrap_or_default()
    });
    let status = wait(&mut child, &format!("threatls {}", args.join(" ")));
    let wall = start.elapsed();
    (Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }, wall)
}

/// Waits for `child`, killing it and failing the test when it outlives [`HANG`].
fn wait(child: &mut Child, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{what}` hung: still running after {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A language-server session with the binary over stdio.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Messages from the server not consumed yet.
    pub inbox: Vec<Value>,
}

impl Session {
    /// Starts `threatls lsp` in `dir` and initializes it with `root` as its workspace folder.
    pub fn start(wrapper: Option<&Wrapper>, dir: &Path, root: &Path) -> Session {
        let mut child = command(wrapper)
            .args(["lsp", "--stdio"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_frame(&mut stdout) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let mut session = Session { child, stdin, messages, next_id: 1, inbox: Vec::new() };
        let uri = uri(root);
        let params = json!({
            "processId": null, "rootUri": uri, "capabilities": {},
            "workspaceFolders": [{ "uri": uri, "name": "test" }],
            "initializationOptions": { "threatls": { "today": "2026-11-22" } },
        });
        let response = session.request("initialize", params);
        assert!(response["result"]["capabilities"].is_object(), "{response}");
        session.notify("initialized", json!({}));
        session
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        self.send_raw(&body);
    }

    /// Sends `body` in one frame (it need not be JSON).
    pub fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()).unwrap();
        stdin.write_all(body).unwrap();
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("the answer to {method}"), |m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (kept or new) that satisfies `done`; answers the server's own
    /// requests as an editor would.
    pub fn wait_for(&mut self, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(&done) {
            return self.inbox.remove(i);
        }
        let start = Instant::now();
        loop {
            let left = HANG.saturating_sub(start.elapsed());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("waited {HANG:?} for {what}; got {:#?}", self.inbox),
                Err(RecvTimeoutError::Disconnected) => panic!("the server ended while waiting for {what}"),
            };
            if message.get("method").is_some() && message.get("id").is_some() {
                self.send(&json!({ "jsonrpc": "2.0", "id": message["id"], "result": null }));
            }
            if done(&message) {
                return message;
            }
            self.inbox.push(message);
        }
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        let params = json!({ "textDocument": { "uri": uri(path), "languageId": "yaml", "version": 1, "text": text } });
        self.notify("textDocument/didOpen", params);
    }

    /// The first diagnostics published for `path` that satisfy `done`.
    pub fn diagnostics(&mut self, path: &Path, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = uri(path);
        let message = self.wait_for(&format!("diagnostics for {}", path.display()), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"].as_array().is_some_and(|d| done(d))
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The `window/logMessage` texts received so far.
    pub fn logs(&self) -> Vec<String> {
        let logs = self.inbox.iter().filter(|m| m["method"] == "window/logMessage");
        logs.map(|m| m["params"]["message"].as_str().unwrap_or_default().to_owned()).collect()
    }

    /// `shutdown`, `exit`, and the server's exit status.
    pub fn finish(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        wait(&mut self.child, "threatls lsp")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_frame(stdout: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).ok()? == 0 {
            return None;
        }
        match line.trim_end().strip_prefix("Content-Length: ") {
            Some(n) => length = n.parse().ok()?,
            None if line.trim_end().is_empty() => break,
            None => {}
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn uri(path: &Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(path).unwrap().as_str().to_owned()
}

/// Writes `files` (workspace path, bytes) under `root`, creating directories.
pub fn write_files(root: &Path, files: &[(&str, &[u8])]) {
    for (path, bytes) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, bytes).unwrap();
    }
}

/// A fresh temporary directory, by its canonical path (the server and the CLI compare
/// canonical paths).
pub fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().canonicalize().unwrap();
    (dir, path)
}
