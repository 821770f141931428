// The prodready VS Code extension: starts `prodready server` over stdio and connects it to
// VS Code with vscode-languageclient. Diagnostics, quick fixes, fix-all on save
// (`source.fixAll.prodready`) and hovers all come from the server.

import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    Executable,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    State,
} from 'vscode-languageclient/node';
import { newestPython, pathCandidates } from './newest';
import { onDidChangeInterpreter, selectedInterpreter } from './python';
import { stderrLevel } from './stderr';
import { LAUNCH_SETTINGS, SECTION, isEnabled, launchSettings, serverSettings } from './settings';

const CLIENT_ID = 'prodready';
const CLIENT_NAME = 'prodready';

let client: LanguageClient | undefined;
let log: vscode.LogOutputChannel;
let extensionRoot: string;
let statusItem: vscode.LanguageStatusItem | undefined;
// Start, stop and restart requests run one after the other, never interleaved.
let queue: Promise<void> = Promise.resolve();

interface ServerCommand {
    command: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    description: string;
}

function defaultPython(): string {
    return process.platform === 'win32' ? 'python' : 'python3';
}

function executableExists(file: string): boolean {
    try {
        fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** Starts prodready like `python -m prodready` but imports nothing from the workspace (see prodready/_isolation.py). */
const LAUNCH_CODE = "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; import runpy; runpy.run_module('prodready', run_name='__main__', alter_sys=True)";

/** Works out which process to start, from the settings and the Python extension. */
async function serverCommand(): Promise<ServerCommand> {
    const settings = launchSettings();
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUTF8: '1' };
    if (settings.path) {
        // A bare name ("prodready") is looked up on PATH by the operating system.
        const isBareName = !settings.path.includes('/') && !settings.path.includes('\\');
        if (!isBareName && !executableExists(settings.path)) {
            throw new Error(`prodready.path is set to "${settings.path}", which is not an executable file.`);
        }
        return {
            command: settings.path,
            args: ['server', ...settings.args],
            env,
            description: `${settings.path} (prodready.path)`,
        };
    }

    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let interpreter = settings.interpreter;
    let origin = 'prodready.interpreter';
    if (!interpreter) {
        interpreter = (await selectedInterpreter(folder, log)) ?? '';
        origin = 'the Python extension';
    }
    if (!interpreter) {
        interpreter = defaultPython();
        origin = 'PATH';
    }

    const bundledEntry = path.join(extensionRoot, 'bundled', 'tool', 'server.py');
    env.PRODREADY_IMPORT_STRATEGY = settings.importStrategy;
    if (!fs.existsSync(bundledEntry)) {
        // A development checkout without bundled/: run the environment's prodready.
        return {
            command: interpreter,
            // `-c` code that drops the working directory (the workspace) from sys.path before
            // importing anything; `-m` would let Python import workspace modules first.
            args: ['-c', LAUNCH_CODE, 'server', ...settings.args],
            env,
            description: `${interpreter} -c <prodready launch> (interpreter from ${origin}; no bundled copy)`,
        };
    }
    if (settings.importStrategy === 'useBundled' && !settings.interpreter) {
        // The bundled copy runs on any Python from 3.10 on: take the newest one available, so
        // that the newest syntax parses (src/newest.ts); the selected interpreter wins ties.
        const selected = origin === 'PATH' ? [] : [{ command: interpreter, origin }];
        const chosen = await newestPython([...selected, ...pathCandidates()]);
        if (chosen) {
            interpreter = chosen.command;
            origin = `${chosen.origin}, the newest Python found: ${chosen.version.join('.')}`;
        }
    }
    return {
        command: interpreter,
        args: [bundledEntry, ...settings.args],
        env,
        description: `${interpreter} (interpreter from ${origin}), import strategy ${settings.importStrategy}`,
    };
}

function eachLine(input: NodeJS.ReadableStream, handle: (line: string) => void): void {
    readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', handle);
}

function clientOptions(): LanguageClientOptions {
    return {
        documentSelector: [
            { scheme: 'file', language: 'python' },
            { scheme: 'untitled', language: 'python' },
        ],
        outputChannel: log,
        traceOutputChannel: log,
        // Each stderr line at its own level (src/stderr.ts), not all of them as errors.
        stdioOptions: {
            // Used only for transports other than stdio (as the client's default does).
            stdout: (input, channel) => eachLine(input, (line) => channel.info(line)),
            stderr: (input, channel) => eachLine(input, (line) => channel[stderrLevel(line)](line)),
        },
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: () => serverSettings(),
        middleware: {
            workspace: {
                // The server asks for section "prodready"; answer with the server's own setting
                // names (`extend-select`, no launch settings), scoped to the item's file.
                configuration: async (params, token, next) => {
                    const answers = await next(params, token);
                    if (!Array.isArray(answers)) {
                        return answers;
                    }
                    return params.items.map((item, index) => {
                        if (item.section === SECTION) {
                            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
                            return serverSettings(scope);
                        }
                        return answers[index];
                    });
                },
            },
        },
    };
}

async function startServer(): Promise<void> {
    if (client) {
        return;
    }
    if (!isEnabled()) {
        log.info('prodready.enable is false: the server is not started.');
        updateStatus('disabled');
        return;
    }
    if (!vscode.workspace.isTrusted) {
        log.info('Untrusted workspace: workspace values of prodready.path/interpreter/importStrategy are ignored.');
    }
    let command: ServerCommand;
    try {
        command = await serverCommand();
    } catch (error) {
        log.error(String(error instanceof Error ? error.message : error));
        updateStatus('error');
        void vscode.window.showErrorMessage(`prodready: ${error instanceof Error ? error.message : error}`);
        return;
    }
    log.info(`Starting the server: ${command.description}`);
    log.info(`Command: ${[command.command, ...command.args].join(' ')}`);
    // No `transport`: with TransportKind.stdio vscode-languageclient appends `--stdio` to the
    // arguments; left out, it still talks over stdio and passes the arguments unchanged.
    const executable: Executable = {
        command: command.command,
        args: command.args,
        options: {
            cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? extensionRoot,
            env: command.env,
        },
    };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions());
    newClient.onDidChangeState((event) => {
        if (event.newState === State.Running) {
            updateStatus('running');
        } else if (event.newState === State.Stopped) {
            updateStatus('stopped');
        }
    });
    client = newClient;
    try {
        await newClient.start();
        const info = newClient.initializeResult?.serverInfo;
        log.info(`Server running: ${info ? `${info.name} ${info.version ?? ''}` : 'prodready'}`);
        updateStatus('running', info?.version);
    } catch (error) {
        client = undefined;
        updateStatus('error');
        log.error(`The server failed to start: ${String(error)}`);
        // Stop the client's own restart attempts; prodready.restart starts again.
        void newClient.dispose(2000).catch(() => undefined);
        const choice = await vscode.window.showErrorMessage(
            'prodready: the server failed to start. See the output channel for its log.',
            'Show Logs',
        );
        if (choice === 'Show Logs') {
            log.show();
        }
    }
}

async function stopServer(): Promise<void> {
    const current = client;
    client = undefined;
    if (current) {
        try {
            await current.stop(2000);
        } catch (error) {
            log.warn(`Stopping the server: ${String(error)}`);
        }
        try {
            await current.dispose(2000);
        } catch {
            // already stopped
        }
    }
}

function enqueue(task: () => Promise<void>): Promise<void> {
    queue = queue.then(task, task).catch((error) => log.error(String(error)));
    return queue;
}

function restart(reason: string): Promise<void> {
    return enqueue(async () => {
        log.info(`Restarting the server (${reason}).`);
        await stopServer();
        await startServer();
    });
}

/** Tells the running server its analysis settings changed (it re-reads them and re-checks). */
async function pushSettings(): Promise<void> {
    if (!client || !client.isRunning()) {
        return;
    }
    await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: serverSettings() },
    });
}

function updateStatus(state: 'running' | 'stopped' | 'error' | 'disabled', version?: string): void {
    if (!statusItem) {
        return;
    }
    statusItem.severity = vscode.LanguageStatusSeverity.Information;
    switch (state) {
        case 'running':
            statusItem.text = version ? `prodready ${version}` : 'prodready';
            break;
        case 'stopped':
            statusItem.text = 'prodready (stopped)';
            break;
        case 'disabled':
            statusItem.text = 'prodready (disabled)';
            break;
        case 'error':
            statusItem.text = 'prodready (failed to start)';
            statusItem.severity = vscode.LanguageStatusSeverity.Error;
            break;
    }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    extensionRoot = context.extensionPath;
    log = vscode.window.createOutputChannel('prodready', { log: true });
    context.subscriptions.push(log);

    statusItem = vscode.languages.createLanguageStatusItem('prodready.status', { language: 'python' });
    statusItem.name = 'prodready';
    statusItem.command = { title: 'Show Logs', command: 'prodready.showLogs' };
    context.subscriptions.push(statusItem);

    context.subscriptions.push(
        vscode.commands.registerCommand('prodready.restart', () => restart('prodready.restart command')),
        vscode.commands.registerCommand('prodready.showLogs', () => log.show()),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (!event.affectsConfiguration(SECTION)) {
                return;
            }
            if (event.affectsConfiguration(`${SECTION}.enable`) && !isEnabled()) {
                void enqueue(async () => {
                    log.info('prodready.enable was turned off: stopping the server.');
                    await stopServer();
                    updateStatus('disabled');
                });
            } else if (!client || LAUNCH_SETTINGS.some((key) => event.affectsConfiguration(key))) {
                void restart('settings changed');
            } else {
                void enqueue(pushSettings);
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => restart('workspace trusted')),
    );

    const interpreterWatch = await onDidChangeInterpreter(() => {
        const settings = launchSettings();
        if (!settings.path && !settings.interpreter) {
            void restart('the selected Python interpreter changed');
        }
    });
    if (interpreterWatch) {
        context.subscriptions.push(interpreterWatch);
    }

    await enqueue(startServer);
}

export async function deactivate(): Promise<void> {
    await enqueue(stopServer);
}
