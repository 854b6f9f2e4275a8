//! Publishing diagnostics (`textDocument/publishDiagnostics`), for clients that do not pull.
//!
//! One worker at a time: changes that arrive while it computes are coalesced into its next run,
//! so fast typing never queues up analyses of texts that are already stale. Only what changed is
//! sent, the edited document first.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert;
use super::server::Backend;
use crate::analysis::Workspace;

#[derive(Debug, Default)]
pub(super) struct Publisher {
    /// Roots whose diagnostics may have changed since the worker last looked.
    pending: BTreeSet<usize>,
    /// The document edited last, published before the rest.
    first: Option<Uri>,
    running: bool,
    /// What each file was last published with, and whether it was open then; files never
    /// published, or cleared, are absent.
    published: HashMap<Uri, (bool, Vec<lsp::Diagnostic>)>,
}

/// One run's view: the roots to look at, and the files of each that must be looked at even if
/// they have no diagnostics now (published before, or open).
struct Job {
    generation: u64,
    roots: Vec<(usize, PathBuf, Workspace, Vec<String>)>,
    versions: HashMap<Uri, i32>,
    first: Option<Uri>,
}

impl Backend {
    /// Publishes the diagnostics of the given roots that changed, the document `first` before
    /// the rest. With a client that pulls diagnostics, asks it to pull again instead.
    pub(super) fn refresh_diagnostics(&self, roots: Vec<usize>, first: Option<Uri>) {
        let start = {
            let mut state = self.lock();
            if state.pull {
                drop(state);
                let client = self.client.clone();
                tokio::spawn(async move {
                    let _ = client.workspace_diagnostic_refresh().await;
                });
                return;
            }
            let publisher = &mut state.publisher;
            publisher.pending.extend(roots);
            if first.is_some() {
                publisher.first = first;
            }
            let start = !publisher.running;
            publisher.running = true;
            start
        };
        if start {
            let this = self.clone();
            tokio::spawn(async move { this.publish_pending().await });
        }
    }

    async fn publish_pending(&self) {
        loop {
            let Some(job) = self.next_job() else { return };
            let encoding = self.lock().encoding;
            let Job { generation, roots, versions, first } = job;
            let root_ids: Vec<usize> = roots.iter().map(|(id, ..)| *id).collect();
            let computed = tokio::task::spawn_blocking(move || {
                let mut out = Vec::new();
                for (_, dir, ws, also) in &roots {
                    let mut paths: BTreeSet<&str> = ws.paths_with_diagnostics().collect();
                    paths.extend(also.iter().map(String::as_str));
                    for path in paths {
                        let (Some(file), Some(uri)) = (ws.file(path), convert::uri(dir, path)) else { continue };
                        let diagnostics = ws
                            .diagnostics(path)
                            .iter()
                            .map(|d| convert::diagnostic(ws, dir, file, d, encoding))
                            .collect();
                        out.push((uri, diagnostics));
                    }
                }
                out
            })
            .await;
            let to_send = {
                let mut state = self.lock();
                if state.generation != generation {
                    // A later change came in: look again at these roots with it.
                    state.publisher.pending.extend(root_ids);
                    continue;
                }
                let Ok(computed) = computed else { continue };
                changed(&mut state.publisher.published, computed, &versions, first.as_ref())
            };
            let (mut firsts, rest): (Vec<_>, Vec<_>) =
                to_send.into_iter().partition(|(uri, ..)| Some(uri) == first.as_ref());
            firsts.extend(rest);
            for (uri, diagnostics, version) in firsts {
                self.client.publish_diagnostics(uri, diagnostics, version).await;
            }
        }
    }

    /// Takes what is pending, with snapshots of its roots; ends the worker if nothing is.
    fn next_job(&self) -> Option<Job> {
        let mut state = self.lock();
        let pending = std::mem::take(&mut state.publisher.pending);
        if pending.is_empty() {
            state.publisher.running = false;
            return None;
        }
        let first = state.publisher.first.take();
        let versions: HashMap<Uri, i32> = state.documents.iter().map(|(u, d)| (u.clone(), d.version)).collect();
        // Files in these roots that were published or are open.
        let mut also: HashMap<usize, Vec<String>> = HashMap::new();
        for uri in state.publisher.published.keys().chain(state.documents.keys()) {
            if let Some((root, path)) = uri.to_file_path().and_then(|p| state.find(&p)) {
                also.entry(root).or_default().push(path);
            }
        }
        let roots = pending
            .into_iter()
            .filter_map(|id| {
                let root = state.roots.get(id)?;
                Some((id, root.dir.clone(), root.workspace.clone(), also.remove(&id).unwrap_or_default()))
            })
            .collect();
        Some(Job { generation: state.generation, roots, versions, first })
    }
}

/// The files whose diagnostics differ from what was published, recording the new ones. An open
/// document is published once even with none, so the client knows it was analysed, again when
/// it is opened or closed (Eglot and ALE drop what they were sent for a file they had not
/// opened), and after each of its edits, `edited` (kak-lsp clears a document's diagnostics
/// when it changes).
fn changed(
    published: &mut HashMap<Uri, (bool, Vec<lsp::Diagnostic>)>,
    computed: Vec<(Uri, Vec<lsp::Diagnostic>)>,
    versions: &HashMap<Uri, i32>,
    edited: Option<&Uri>,
) -> Vec<(Uri, Vec<lsp::Diagnostic>, Option<i32>)> {
    let mut out = Vec::new();
    for (uri, diagnostics) in computed {
        let version = versions.get(&uri).copied();
        let open = version.is_some();
        let same = match published.get(&uri) {
            _ if open && edited == Some(&uri) => false,
            Some((was_open, before)) => *was_open == open && *before == diagnostics,
            None => diagnostics.is_empty() && !open,
        };
        if same {
            continue;
        }
        if diagnostics.is_empty() && !open {
            published.remove(&uri);
        } else {
            published.insert(uri.clone(), (open, diagnostics.clone()));
        }
        out.push((uri, diagnostics, version));
    }
    out
}
