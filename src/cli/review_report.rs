//! The review gate's report: text for a terminal, JSON for tools, Markdown for a pull-request
//! comment (short, with the checkpoints as a checklist).

use std::fmt::Write;

use super::ReviewFormat;
use crate::review::{Review, Trigger, Verdict};

pub(super) fn render(review: &Review, base: &str, format: ReviewFormat) -> String {
    match format {
        ReviewFormat::Json => {
            let value = serde_json::json!({ "base": base, "review": review });
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        ReviewFormat::Markdown => markdown(review, base),
        ReviewFormat::Text => text(review, base),
    }
}

fn verdict(review: &Review) -> &'static str {
    match review.verdict {
        Verdict::NotRequired => "no threat-model review needed: the change passes no checkpoint",
        Verdict::Done => "threat-model review done: the model was updated for every checkpoint the change passes",
        Verdict::Required => {
            "threat-model review required: the change passes checkpoints the model was not updated for"
        }
    }
}

fn place(t: &Trigger) -> String {
    match t.line {
        _ if t.path.is_empty() => "the change".to_owned(),
        Some(line) => format!("{}:{line}", t.path),
        None => t.path.clone(),
    }
}

fn assets(t: &Trigger) -> String {
    if t.assets.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = t.assets.iter().map(|a| format!("`{a}`")).collect();
        format!(" (assets {})", list.join(", "))
    }
}

fn text(review: &Review, base: &str) -> String {
    let mut out = format!("threatls review: the working tree against {base}\n");
    if !review.triggers.is_empty() {
        let _ = writeln!(out, "\ncheckpoints ({}):", review.triggers.len());
    }
    for t in &review.triggers {
        let mark = if t.answered_by.is_some() { "ok     " } else { "REVIEW " };
        let _ = writeln!(out, "  {mark}{}: {}: {}{}", t.checkpoint.title(), place(t), t.why, assets(t));
        if let Some(by) = &t.answered_by {
            let _ = writeln!(out, "         answered by {by}");
        }
    }
    if !review.model_changes.is_empty() {
        let _ = writeln!(out, "\nmodel changes ({}):", review.model_changes.len());
    }
    for c in &review.model_changes {
        let id = if c.id.is_empty() { String::new() } else { format!(" `{}`", c.id) };
        let _ = writeln!(out, "  {}{id}: {} ({}:{})", c.kind.as_str(), c.detail, c.path, c.line);
    }
    let _ = writeln!(out, "\n{}", verdict(review));
    if review.verdict == Verdict::Required {
        out.push_str(
            "update the model for the assets above (threats, mitigations, flows), or acknowledge a reviewed file with an `@audit` annotation\n",
        );
    }
    out
}

fn markdown(review: &Review, base: &str) -> String {
    let title = match review.verdict {
        Verdict::NotRequired => "✅ No threat-model review needed",
        Verdict::Done => "✅ Threat-model review done",
        Verdict::Required => "⚠️ Threat-model review required",
    };
    let mut out = format!("### {title}\n\nThe change against `{base}`");
    let open = review.triggers.iter().filter(|t| t.answered_by.is_none()).count();
    let _ = match review.verdict {
        Verdict::NotRequired => writeln!(out, " passes no review checkpoint."),
        Verdict::Done => {
            writeln!(out, " passes {} checkpoints; the model was updated for each.", review.triggers.len())
        }
        Verdict::Required => writeln!(
            out,
            " passes {} checkpoints; {open} have no model update. Update the model for them, or add an `@audit` annotation where the code was reviewed.",
            review.triggers.len()
        ),
    };
    if !review.triggers.is_empty() {
        out.push('\n');
    }
    for t in &review.triggers {
        let check = if t.answered_by.is_some() { "x" } else { " " };
        let _ = write!(out, "- [{check}] **{}**: `{}`: {}{}", t.checkpoint.title(), place(t), t.why, assets(t));
        match &t.answered_by {
            Some(by) => {
                let _ = writeln!(out, " (answered by {by})");
            }
            None => out.push('\n'),
        }
    }
    if !review.model_changes.is_empty() {
        let _ = writeln!(out, "\n<details><summary>Model changes ({})</summary>\n", review.model_changes.len());
        for c in &review.model_changes {
            let id = if c.id.is_empty() { String::new() } else { format!(" `{}`", c.id) };
            let _ = writeln!(out, "- {}{id}: {} (`{}:{}`)", c.kind.as_str(), c.detail, c.path, c.line);
        }
        out.push_str("\n</details>\n");
    }
    out
}
