//! `threatls export`: read the workspace of PATH as `threatls check` does, print its diagram or
//! report.

use std::process::ExitCode;

use super::{ExportArgs, canonical, current_dir, write_stdout};
use crate::analysis::{FileKind, Options};
use crate::disk::{load_workspace, root_of, today_utc};
use crate::export::export;

pub(super) fn run(args: &ExportArgs) -> Result<ExitCode, String> {
    let today = args.today.map_or_else(today_utc, Ok)?;
    let target = match &args.path {
        Some(path) => canonical(path)?,
        None => current_dir()?,
    };
    let root = root_of(&target);
    let (workspace, _) = load_workspace(&root, Options::new(today), std::slice::from_ref(&target));
    let has_model = workspace.paths().filter_map(|p| workspace.file(p)).any(|f| f.kind == FileKind::Model);
    if !has_model {
        return Err(format!(
            "no threat-model files (`threatmodel.yaml`, `*.threatmodel.yaml`) in the workspace of `{}`",
            root.display()
        ));
    }
    write_stdout(&export(&workspace, args.format.into()))?;
    Ok(ExitCode::SUCCESS)
}
