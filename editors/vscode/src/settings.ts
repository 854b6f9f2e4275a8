// The settings the server reads (src/lsp/settings.rs), from the `threatls` section.

import * as vscode from 'vscode';

export const SECTION = 'threatls';

export interface ServerSettings {
  include: string[];
  exclude: string[];
  rules: Record<string, string>;
  annotations?: boolean;
}

// What is sent as initializationOptions and with workspace/didChangeConfiguration. `annotations`
// goes only when someone set it: its default would otherwise override
// `[annotations] enabled = false` in the workspace's threatls.toml.
export function serverSettings(): { threatls: ServerSettings } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const settings: ServerSettings = {
    include: strings(config.get('include')),
    exclude: strings(config.get('exclude')),
    rules: { ...config.get<Record<string, string>>('rules', {}) },
  };
  const annotations = config.inspect<boolean>('annotations');
  const chosen = annotations?.workspaceFolderValue ?? annotations?.workspaceValue ?? annotations?.globalValue;
  if (typeof chosen === 'boolean') {
    settings.annotations = chosen;
  }
  return { threatls: settings };
}

export interface ServerCommand {
  // What the user wrote, for messages; empty when nothing is set.
  path: string;
  extraArgs: string[];
}

// In an untrusted workspace VS Code answers these from user settings only (they are
// `restrictedConfigurations` in package.json), so a cloned repository cannot choose what runs.
export function serverCommand(): ServerCommand {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    path: config.get<string>('server.path', '').trim(),
    extraArgs: strings(config.get('server.extraArgs')),
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
