// The data-flow diagram panels: one per workspace folder, beside the editor, showing what the
// server's `threatls.diagram` command draws (Mermaid text, rendered in the webview), and drawn
// again whenever the server publishes new diagnostics for the folder or a model file is saved.

import * as vscode from 'vscode';

import type { Server } from '../server';
import { MODEL_LANGUAGE } from '../selector';
import { diagramHtml } from './html';
import { ACTIONS, type Action, type FromWebview, type ToWebview } from './protocol';

const VIEW_TYPE = 'threatls.diagram';
const SERVER_COMMAND = 'threatls.diagram';
const MODEL_FILES = '{**/threatmodel.yaml,**/threatmodel.yml,**/*.threatmodel.yaml,**/*.threatmodel.yml}';
// A burst of publications (a workspace scan, typing) gives one drawing.
const DEBOUNCE_MS = 300;

const COMMAND_OF: Record<Action, string | undefined> = {
  refresh: undefined,
  restart: 'threatls.restartServer',
  output: 'threatls.showOutput',
};

export class DiagramPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DiagramPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly server: Server,
    private readonly dist: vscode.Uri,
  ) {
    this.subscriptions = [
      server.onDidChange((uri) => this.changed(uri)),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.languageId === MODEL_LANGUAGE) {
          this.changed(doc.uri);
        }
      }),
    ];
  }

  // Opens the folder's panel beside the editor, or brings it forward and draws it again.
  show(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    const open = this.panels.get(key);
    if (open !== undefined) {
      open.reveal();
      return;
    }
    const webview = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      `Data flow: ${folder.name}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, enableCommandUris: false, localResourceRoots: [this.dist], enableFindWidget: true },
    );
    const panel = new DiagramPanel(folder, webview, this.server, vscode.Uri.joinPath(this.dist, 'webview.js'));
    this.panels.set(key, panel);
    webview.onDidDispose(() => {
      panel.dispose();
      this.panels.delete(key);
    });
  }

  // `uri` undefined: the server started or stopped, which changes every panel.
  private changed(uri: vscode.Uri | undefined): void {
    const folder = uri === undefined ? undefined : vscode.workspace.getWorkspaceFolder(uri)?.uri.toString();
    for (const [key, panel] of this.panels) {
      if (folder === undefined || folder === key) {
        panel.schedule();
      }
    }
  }

  dispose(): void {
    for (const panel of this.panels.values()) {
      panel.close();
    }
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

class DiagramPanel {
  // The Mermaid text the webview was last sent, for Copy and to skip drawing the same twice.
  private shown: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  // Answers arrive out of order when drawings overlap; only the latest is shown.
  private latest = 0;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly folder: vscode.WorkspaceFolder,
    private readonly panel: vscode.WebviewPanel,
    private readonly server: Server,
    script: vscode.Uri,
  ) {
    this.listener = panel.webview.onDidReceiveMessage((message: unknown) => this.received(message));
    panel.webview.html = diagramHtml(panel.webview, script);
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
    void this.draw(true);
  }

  // A hidden panel is left alone: its webview is reloaded, and so drawn, when it is shown.
  schedule(): void {
    if (!this.panel.visible) {
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.draw(false), DEBOUNCE_MS);
  }

  close(): void {
    this.panel.dispose();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listener.dispose();
  }

  private async draw(force: boolean): Promise<void> {
    clearTimeout(this.timer);
    const mine = ++this.latest;
    const message = await this.load();
    if (mine !== this.latest) {
      return;
    }
    const source = message.type === 'diagram' ? message.source : undefined;
    if (!force && source !== undefined && source === this.shown) {
      return;
    }
    this.shown = source;
    void this.panel.webview.postMessage(message);
  }

  private async load(): Promise<ToWebview> {
    const models = await vscode.workspace.findFiles(new vscode.RelativePattern(this.folder, MODEL_FILES), undefined, 1);
    if (models.length === 0) {
      return notice(
        'No threat model in this folder',
        `threatls draws the data flows of a threatmodel.yaml or *.threatmodel.yaml file, and ${this.folder.name} has none.`,
        ['refresh'],
      );
    }
    const answer = await this.server.execute(SERVER_COMMAND, [{ uri: this.folder.uri.toString(), format: 'mermaid' }]);
    if (!answer.ok && !answer.running) {
      return notice(
        'The threatls server is not running',
        'The diagram is drawn by the server. Restart it, or see its output for why it is not running.',
        ['restart', 'output'],
      );
    }
    if (!answer.ok) {
      return notice('The server could not draw the diagram', answer.message, ['refresh', 'output']);
    }
    if (typeof answer.value !== 'string') {
      return notice('The server answered with no diagram', `\`${SERVER_COMMAND}\` answered ${JSON.stringify(answer.value)}.`, ['refresh', 'output']);
    }
    return { type: 'diagram', source: answer.value };
  }

  // The webview renders text from the repository, so what it sends is checked, not trusted.
  private received(raw: unknown): void {
    const message: Partial<Record<string, unknown>> = typeof raw === 'object' && raw !== null ? raw : {};
    switch (message.type as FromWebview['type'] | undefined) {
      case 'ready':
        void this.draw(true);
        break;
      case 'action': {
        const action = ACTIONS.find((a) => a === message.action);
        const command = action === undefined ? undefined : COMMAND_OF[action];
        if (action === 'refresh') {
          void this.draw(true);
        } else if (command !== undefined) {
          void vscode.commands.executeCommand(command);
        }
        break;
      }
      case 'copy':
        if (this.shown !== undefined) {
          void vscode.env.clipboard.writeText(this.shown);
          void vscode.window.setStatusBarMessage('threatls: the Mermaid source of the diagram is on the clipboard', 3000);
        }
        break;
      case 'save':
        if (typeof message.svg === 'string') {
          void this.save(message.svg);
        }
        break;
    }
  }

  private async save(svg: string): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.folder.uri, 'data-flow.svg'),
      filters: { SVG: ['svg'] },
      title: 'Save the data-flow diagram',
    });
    if (target === undefined) {
      return;
    }
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
    } catch (error) {
      void vscode.window.showErrorMessage(`threatls: could not save ${target.fsPath}: ${String(error)}`);
    }
  }
}

function notice(title: string, detail: string, actions: Action[]): ToWebview {
  return { type: 'notice', title, detail, actions };
}
