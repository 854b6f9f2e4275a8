//! `threatls check`: find each workspace under the given paths, read its model and source
//! files, analyse, print.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::render::{WorkspaceReport, render_json, render_text};
use super::sarif::render_sarif;
use super::{CheckArgs, CheckFormat, ColorChoice, Deny, canonical, current_dir, write_stdout};
use crate::analysis::{FileKind, Options, Presence, Workspace};
use crate::disk::{Walked, display_path, load_workspace, repository_root, root_of, today_utc};

struct Loaded {
    root: PathBuf,
    workspace: Workspace,
    walked: Walked,
}

pub(super) fn run(args: &CheckArgs) -> Result<ExitCode, String> {
    let cwd = current_dir()?;
    let today = args.today.map_or_else(today_utc, Ok)?;
    let requested: Vec<PathBuf> = if args.paths.is_empty() { vec![cwd.clone()] } else { args.paths.clone() };
    let mut targets = Vec::new();
    for path in &requested {
        targets.push(canonical(path)?);
    }

    // Each requested path lies in the workspace of its nearest root; sub-projects with their
    // own `threatls.toml` found while walking are workspaces of their own.
    let mut queue: Vec<PathBuf> = targets.iter().map(|t| root_of(t)).collect::<BTreeSet<_>>().into_iter().collect();
    let mut done = BTreeSet::new();
    let mut loaded = Vec::new();
    while let Some(root) = queue.pop() {
        if !done.insert(root.clone()) {
            continue;
        }
        let (workspace, mut walked) = load_workspace(&root, Options::new(today), &targets);
        let wanted = |nested: &PathBuf| targets.iter().any(|t| nested.starts_with(t) || t.starts_with(nested));
        queue.extend(walked.nested_roots.drain(..).filter(wanted));
        loaded.push(Loaded { root, workspace, walked });
    }
    loaded.sort_by(|a, b| a.root.cmp(&b.root));

    let under_targets = |root: &Path, p: &str| targets.iter().any(|t| root.join(p).starts_with(t));
    let cwd = &cwd;
    let displays: Vec<_> = loaded.iter().map(|l| move |p: &str| display_path(&l.root.join(p), cwd)).collect();
    let reports: Vec<WorkspaceReport<'_>> = loaded
        .iter()
        .zip(&displays)
        .map(|(l, display)| {
            let ws = &l.workspace;
            let reported =
                |p: &&str| ws.file(p).is_some_and(|f| f.presence != Presence::Missing) && under_targets(&l.root, p);
            WorkspaceReport {
                workspace: ws,
                root: &l.root,
                paths: ws.paths().filter(reported).map(str::to_owned).collect(),
                display,
                source_files: l.walked.scanned,
                skipped: l.walked.skipped.iter().filter(|(p, _)| under_targets(&l.root, p)).cloned().collect(),
            }
        })
        .collect();
    let nothing = reports.iter().all(|r| {
        r.paths.iter().all(|p| r.workspace.file(p).is_none_or(|f| f.kind == FileKind::Code && f.annotations.is_empty()))
    });
    if nothing {
        let shown: Vec<String> = requested.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(format!(
            "no threat-model files (`threatmodel.yaml`, `*.threatmodel.yaml`) and no annotations found under {}",
            shown.join(", ")
        ));
    }

    let (text, summary) = match args.format {
        CheckFormat::Text => render_text(&reports, use_color(args.color)),
        CheckFormat::Json => render_json(&reports),
        CheckFormat::Sarif => render_sarif(&reports, &sarif_base(&loaded)),
    };
    write_stdout(&text)?;
    let failed = summary.errors > 0 || (args.deny == Some(Deny::Warnings) && summary.warnings > 0);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// What SARIF URIs are relative to: the repository the workspaces are in, since code scanning
/// reads paths from the repository's root; the directory holding them all when they are in
/// several.
fn sarif_base(loaded: &[Loaded]) -> PathBuf {
    let mut roots = loaded.iter().map(|l| repository_root(&l.root));
    let first = roots.next().unwrap_or_default();
    roots.fold(first, |base, root| {
        base.ancestors().find(|a| root.starts_with(a)).map_or_else(PathBuf::new, Path::to_path_buf)
    })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    }
}
