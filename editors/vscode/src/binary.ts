// Finding the threatls binary. PATH is searched here rather than left to the process spawn, so
// that a missing binary is reported as such instead of as a server that keeps crashing.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type Resolved = { ok: true; path: string } | { ok: false; reason: string };

// `configured` is `threatls.server.path`; `folder` is the first workspace folder, against which
// a relative path is taken.
export function resolveBinary(configured: string, folder: string | undefined): Resolved {
  if (configured !== '') {
    let file = configured.startsWith('~/') ? path.join(os.homedir(), configured.slice(2)) : configured;
    if (!path.isAbsolute(file) && folder !== undefined) {
      file = path.join(folder, file);
    }
    return isExecutable(file)
      ? { ok: true, path: file }
      : { ok: false, reason: `threatls.server.path is set to "${configured}", which is not an executable file.` };
  }
  const found = onPath('threatls');
  return found !== undefined
    ? { ok: true, path: found }
    : { ok: false, reason: 'The threatls binary was not found on PATH, and threatls.server.path is not set.' };
}

function onPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  const suffixes = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const suffix of suffixes) {
      const file = path.join(dir, name + suffix);
      if (isExecutable(file)) {
        return file;
      }
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    // Windows has no execute bit; the file existing is all that can be checked there.
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}
