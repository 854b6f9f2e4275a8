// code-server for the test: a throwaway profile under the test's temporary directory, the
// extension installed from the .vsix, and a process group of its own so that code-server, its
// extension host and the threatls server it starts can all be ended together.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Settings a person would have set once; they keep dialogs, tours, chat panes and network
// checks out of a headless run.
export const SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  // The LSP traffic goes into the threatls output, which a failed run prints.
  'threatls.trace.server': 'messages',
};

export function profile(tmp, bin) {
  const dirs = {
    userData: path.join(tmp, 'user-data'),
    extensions: path.join(tmp, 'extensions'),
    config: path.join(tmp, 'code-server.yaml'),
    xdg: path.join(tmp, 'xdg'),
    log: path.join(tmp, 'code-server.log'),
  };
  for (const dir of [dirs.extensions, dirs.xdg]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  writeSettings(dirs, 'User', SETTINGS);
  // The extension host may not inherit a shell's PATH, so the server is named by its path. The
  // setting is machine-specific, and code-server is a remote window: like VS Code's remote
  // windows, it reads such settings from the machine's settings (its "Remote" tab), not from
  // the browser's user settings.
  writeSettings(dirs, 'Machine', { 'threatls.server.path': bin });
  // Without --config, code-server writes a config file (with a password) into ~/.config.
  fs.writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  return dirs;
}

function writeSettings(dirs, scope, settings) {
  const dir = path.join(dirs.userData, scope);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function env(dirs) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
  };
}

function common(dirs) {
  return ['--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

export function installExtension({ node, entry, dirs, vsix }) {
  const run = spawnSync(node, [entry, ...common(dirs), '--install-extension', vsix, '--force'], {
    env: env(dirs),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0 || !/successfully installed/.test(run.stdout)) {
    throw new Error(`code-server --install-extension failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  }
}

// Starts code-server on a port the system picks and resolves with its address once it listens.
// `onGroup` receives the process group id before anything can go wrong.
export function start({ node, entry, dirs, onGroup, timeoutMs }) {
  const args = [
    entry, ...common(dirs),
    '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const child = spawn(node, args, { env: env(dirs), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  onGroup(child.pid);
  const log = fs.createWriteStream(dirs.log);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const listening = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (listening) {
        clearTimeout(timer);
        resolve({ url: listening[1], process: child });
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${seen}`));
    });
  });
}

export function stopGroup(pid) {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

// What the extension and the extension host logged, for a failure report.
export function logs(dirs) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
      } else if (/threatls\.log$|remoteexthost\.log$/.test(entry.name)) {
        out.push(`=== ${path.relative(dirs.userData, file)}\n${fs.readFileSync(file, 'utf8').slice(-6000)}`);
      }
    }
  };
  walk(path.join(dirs.userData, 'logs'));
  return out.join('\n');
}
