// The running language client: started, restarted with a fresh command line, stopped.

import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

import { resolveBinary } from './binary';
import { reportMissingBinary } from './missing';
import { documentSelector } from './selector';
import { SECTION, serverCommand, serverSettings } from './settings';

export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
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

  dispose(): void {
    void this.stop();
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
    };
    // The id makes the client read `threatls.trace.server` by itself.
    const client = new LanguageClient(SECTION, 'threatls', serverOptions, clientOptions);
    this.client = client;
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
