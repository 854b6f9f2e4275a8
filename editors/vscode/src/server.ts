// The running language client: started, restarted with a fresh command line, stopped.

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { resolveBinary } from './binary';
import { reportMissingBinary } from './missing';
import { documentSelector } from './selector';
import { SECTION, serverCommand, serverSettings } from './settings';

// What a command sent to the server came back with.
export type Answer = { ok: true; value: unknown } | { ok: false; running: boolean; message: string };

export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
  // Fired with the file whenever the server publishes its diagnostics (it does after every change
  // it has taken in), and with no file when a server has started or stopped.
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChange = this.changed.event;
  // Starts and stops are chained so that a restart asked for twice in a row cannot leave two
  // servers running.
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly output: vscode.OutputChannel) {}

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  // Sent by hand rather than through `synchronize.configurationSection`, which would send the
  // whole section with its defaults (see serverSettings).
  sendSettings(): void {
    if (this.client?.isRunning()) {
      void this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: serverSettings() });
    }
  }

  // `workspace/executeCommand` on the running server.
  async execute(command: string, args: unknown[]): Promise<Answer> {
    const client = this.client;
    if (client === undefined || !client.isRunning()) {
      return { ok: false, running: false, message: 'The threatls server is not running.' };
    }
    try {
      return { ok: true, value: await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }) };
    } catch (error) {
      return { ok: false, running: client.isRunning(), message: error instanceof Error ? error.message : String(error) };
    }
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(step, step);
    return this.queue;
  }

  private async doStart(): Promise<void> {
    const command = serverCommand();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const binary = resolveBinary(command.path, folder);
    if (!binary.ok) {
      this.output.appendLine(binary.reason);
      reportMissingBinary(binary.reason, this.output);
      return;
    }
    const args = ['lsp', '--stdio', ...command.extraArgs];
    this.output.appendLine(`Starting ${binary.path} ${args.join(' ')}`);
    // No `transport`: with one, the client would add a second `--stdio` of its own.
    const serverOptions: ServerOptions = { command: binary.path, args };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      initializationOptions: serverSettings(),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      middleware: {
        handleDiagnostics: (uri, diagnostics, next) => {
          next(uri, diagnostics);
          this.changed.fire(uri);
        },
      },
    };
    // The id makes the client read `threatls.trace.server` by itself.
    const client = new LanguageClient(SECTION, 'threatls', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((event) => {
      if (event.newState !== State.Starting) {
        this.changed.fire(undefined);
      }
    });
    try {
      await client.start();
    } catch (error) {
      // The client has already said so in a notification that leads to this output.
      this.output.appendLine(`threatls did not start: ${String(error)}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.stop(5000);
    } catch (error) {
      this.output.appendLine(`threatls did not stop cleanly: ${String(error)}`);
    }
  }
}
