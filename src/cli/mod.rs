//! The command-line face: parse arguments, read files, call the core, print.

mod catalog;
mod check;
mod export;
mod git;
mod render;
mod review;
mod review_report;
mod rule_docs;
mod sarif;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use render::{Summary, WorkspaceReport, render_json, render_text};
pub use sarif::render_sarif;

use crate::date::Date;

#[derive(Debug, Parser)]
#[command(
    name = "threatls",
    version,
    about = "Checks threat models that live next to the code",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate the threat-model files under PATHs (default: the current directory).
    Check(CheckArgs),
    /// Print the data-flow diagram (Mermaid, DOT) or a Markdown report of the workspace of PATH.
    Export(ExportArgs),
    /// Print the JSON Schema of the threat-model format.
    Schema,
    /// List the built-in catalog: threat classes, mitigation templates and reference ids.
    Catalog {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Tell whether the change from a git revision to the working tree needs a threat-model
    /// review (exit code 1 when one is required and the model was not updated).
    Review(ReviewArgs),
    /// Serve the Language Server Protocol on standard input and output.
    Lsp {
        /// Accepted for editor clients that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Files or directories to check; directories are searched respecting `.gitignore`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Make warnings fail the check too (exit code 1).
    #[arg(long, value_name = "LEVEL", value_enum)]
    deny: Option<Deny>,
    /// The date to judge acceptances and reviews against, `YYYY-MM-DD` (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
    /// When to color the text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// A directory or file of the workspace to export (default: the current directory).
    #[arg(value_name = "PATH")]
    path: Option<PathBuf>,
    /// What to print: a Mermaid flowchart, a Graphviz DOT graph, or a Markdown report.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// The date to judge acceptances against, `YYYY-MM-DD` (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Mermaid,
    Dot,
    Markdown,
}

impl From<ExportFormat> for crate::export::Format {
    fn from(f: ExportFormat) -> crate::export::Format {
        match f {
            ExportFormat::Mermaid => crate::export::Format::Mermaid,
            ExportFormat::Dot => crate::export::Format::Dot,
            ExportFormat::Markdown => crate::export::Format::Markdown,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReviewArgs {
    /// The revision to compare with: a branch, tag or commit (`origin/main`, `HEAD~3`).
    #[arg(long, value_name = "REV")]
    base: String,
    /// A directory in the workspace to review (default: the current directory).
    #[arg(value_name = "PATH")]
    path: Option<PathBuf>,
    /// Output format; `markdown` is meant for a pull-request comment.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    format: ReviewFormat,
    /// The date to judge the review cadence against, `YYYY-MM-DD` (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ReviewFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// `file:line:col: severity[code]: message`, with the source line.
    Text,
    /// One JSON document: diagnostics, annotations, skipped files, summary.
    Json,
    /// A SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

/// Exit codes: 0 clean, 1 problems found, 2 usage or I/O error.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Review(args) => review::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Lsp { .. } => return crate::lsp::run(),
        Command::Catalog { format } => {
            write_stdout(&catalog::render(format == Format::Json)).map(|()| ExitCode::SUCCESS)
        }
        Command::Schema => {
            let schema = crate::model::json_schema();
            let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            write_stdout(&format!("{text}\n")).map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|message| {
        let _ = writeln!(std::io::stderr().lock(), "threatls: {message}");
        ExitCode::from(2)
    })
}

/// The current directory, canonical when it can be.
fn current_dir() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    Ok(cwd.canonicalize().unwrap_or(cwd))
}

/// A path given on the command line, canonical (it must exist).
fn canonical(path: &Path) -> Result<PathBuf, String> {
    path.canonicalize().map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

/// Writes to stdout; a closed pipe (`threatls check | head`) is not an error.
fn write_stdout(text: &str) -> Result<(), String> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}
