// The interpreter selected in the Python extension (ms-python.python), when it is installed.
// Only the few members of its public `environments` API that prodready needs are declared
// here, so the extension neither depends on nor requires the Python extension.

import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentPath {
    readonly id: string;
    readonly path: string;
}

interface ResolvedEnvironment {
    readonly executable: { readonly uri: vscode.Uri | undefined };
    readonly version?: { readonly major?: number; readonly minor?: number } | undefined;
}

interface PythonEnvironmentsApi {
    getActiveEnvironmentPath(resource?: vscode.Uri | vscode.WorkspaceFolder): EnvironmentPath;
    resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
    readonly onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

interface PythonExtensionApi {
    readonly environments?: PythonEnvironmentsApi;
}

async function environmentsApi(): Promise<PythonEnvironmentsApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (!extension) {
        return undefined;
    }
    try {
        const api = extension.isActive ? extension.exports : await extension.activate();
        return api?.environments;
    } catch {
        return undefined;
    }
}

/** Path of the interpreter the Python extension has selected for `resource`, if any. */
export async function selectedInterpreter(
    resource: vscode.Uri | undefined,
    log: vscode.LogOutputChannel,
): Promise<string | undefined> {
    const api = await environmentsApi();
    if (!api) {
        return undefined;
    }
    try {
        const active = api.getActiveEnvironmentPath(resource);
        const resolved = await api.resolveEnvironment(active);
        const executable = resolved?.executable.uri?.fsPath;
        if (!executable) {
            log.warn(`The Python extension's selected environment (${active.path}) has no interpreter.`);
        }
        return executable;
    } catch (error) {
        log.warn(`Could not ask the Python extension for its interpreter: ${String(error)}`);
        return undefined;
    }
}

/** Calls `listener` whenever the Python extension's selected interpreter changes. */
export async function onDidChangeInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    const api = await environmentsApi();
    return api?.onDidChangeActiveEnvironmentPath(() => listener());
}
