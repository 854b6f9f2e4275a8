//! `threatls check`: find model files, group them by workspace, analyse, print.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use super::files::{by_root, display_path, model_files, read_confined, root_of, workspace_path};
use super::render::{WorkspaceReport, render_json, render_text};
use super::{CheckArgs, ColorChoice, Deny, Format, write_stdout};
use crate::analysis::{FileInput, Options, Presence, Workspace};
use crate::date::Date;

/// The most files one workspace may pull in through includes (a guard against link mazes).
const MAX_FILES_PER_WORKSPACE: usize = 100_000;

pub(super) fn run(args: &CheckArgs) -> Result<ExitCode, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let today = args.today.map_or_else(today_utc, Ok)?;
    let requested: Vec<PathBuf> = if args.paths.is_empty() { vec![cwd.clone()] } else { args.paths.clone() };
    let mut requested_canonical = Vec::new();
    for path in &requested {
        let canonical = path.canonicalize().map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        requested_canonical.push(canonical);
    }

    // Each model file under a requested path belongs to the workspace of its nearest root.
    let mut found = Vec::new();
    for path in &requested_canonical {
        if path.is_dir() {
            found.extend(model_files(path).into_iter().map(|f| (root_of(&f, path), f)));
        } else {
            let parent = path.parent().unwrap_or(path);
            found.push((root_of(path, parent), path.clone()));
        }
    }
    if found.is_empty() {
        let shown: Vec<String> = requested.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(format!(
            "no threat-model files (`threatmodel.yaml`, `*.threatmodel.yaml`) found under {}",
            shown.join(", ")
        ));
    }

    let mut workspaces = Vec::new();
    for (root, explicit) in by_root(found) {
        workspaces.push((load_workspace(&root, &explicit, today), root));
    }
    let cwd = &cwd;
    let displays: Vec<_> = workspaces.iter().map(|(_, root)| move |p: &str| display_path(&root.join(p), cwd)).collect();
    let reports: Vec<WorkspaceReport<'_>> = workspaces
        .iter()
        .zip(&displays)
        .map(|((ws, root), display)| WorkspaceReport {
            workspace: ws,
            paths: ws
                .paths()
                .filter(|p| ws.file(p).is_some_and(|f| f.presence != Presence::Missing))
                .filter(|p| requested_canonical.iter().any(|r| root.join(p).starts_with(r)))
                .map(str::to_owned)
                .collect(),
            display,
        })
        .collect();

    let (text, summary) = match args.format {
        Format::Text => render_text(&reports, use_color(args.color)),
        Format::Json => render_json(&reports),
    };
    write_stdout(&text)?;
    let failed = summary.errors > 0 || (args.deny == Some(Deny::Warnings) && summary.warnings > 0);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Reads every model file of the workspace at `root` (and `explicit` files named on the command
/// line), then whatever their includes name, until nothing new is named.
fn load_workspace(root: &Path, explicit: &[PathBuf], today: Date) -> Workspace {
    let mut workspace = Workspace::new(Options { today });
    // The same file reached by two names (a link inside the workspace) is read once.
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut load = |workspace: &mut Workspace, path: &Path| {
        let Some(name) = workspace_path(path, root) else { return };
        let input = match path.canonicalize() {
            Ok(canonical) if !canonical.starts_with(root) => FileInput::Unreadable(
                "it resolves to a file outside the workspace, which threatls does not read".into(),
            ),
            Ok(canonical) => match seen.get(&canonical) {
                Some(first) if *first != name => {
                    FileInput::Unreadable(format!("it is the same file as `{first}`, reached through a symbolic link"))
                }
                _ => {
                    seen.insert(canonical, name.clone());
                    read_confined(path, root)
                }
            },
            Err(_) => read_confined(path, root),
        };
        workspace.set_file(&name, input);
    };
    // Files below a nested root (a sub-project with its own `threatls.toml`) are its own.
    let own = model_files(root).into_iter().filter(|p| root_of(p, root) == root);
    let mut paths: BTreeMap<PathBuf, ()> = own.map(|p| (p, ())).collect();
    paths.extend(explicit.iter().map(|p| (p.clone(), ())));
    for path in paths.keys() {
        load(&mut workspace, path);
    }
    let mut loaded = paths.len();
    loop {
        let missing = workspace.unloaded_includes();
        if missing.is_empty() || loaded >= MAX_FILES_PER_WORKSPACE {
            break;
        }
        for name in missing {
            load(&mut workspace, &root.join(&name));
            loaded += 1;
        }
    }
    workspace
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    }
}

fn today_utc() -> Result<Date, String> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_owned())?
        .as_secs();
    let days = i64::try_from(secs / 86_400).map_err(|_| "the system clock is out of range".to_owned())?;
    Date::from_days_since_epoch(days).ok_or_else(|| "the system clock is out of range".to_owned())
}
