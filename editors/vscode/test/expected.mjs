// What `threatls check --format json` reports for the workspace, per file, in the form the
// Problems panel shows a diagnostic: `Ln:Col severity code message`, 1-based, columns in UTF-16
// code units as both LSP and VS Code count them.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

// VS Code's Problems panel never lists hints (the editor shows them as faint dots), whatever
// extension reports them.
const SHOWN = { error: 'error', warning: 'warning', information: 'info' };

export function problemLine({ line, column, severity, code, message }) {
  return `${line}:${column} ${severity} ${code} ${message}`;
}

// Run now, during the test: a few diagnostics depend on today's date, as the server's do.
export function expectedProblems(bin, workspace) {
  const run = spawnSync(bin, ['check', '.', '--format', 'json'], { cwd: workspace, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`${bin} check failed (${run.status ?? run.signal}): ${run.stderr}`);
  }
  const byFile = new Map();
  let hints = 0;
  for (const d of JSON.parse(run.stdout).diagnostics) {
    const severity = SHOWN[d.severity];
    if (severity === undefined) {
      hints += 1;
      continue;
    }
    const file = path.resolve(workspace, d.file);
    const entry = problemLine({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      severity,
      code: d.code,
      message: d.message,
    });
    byFile.set(file, [...(byFile.get(file) ?? []), entry].sort());
  }
  return { byFile, hints };
}
