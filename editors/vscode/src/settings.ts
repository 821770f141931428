// Reading the extension's settings, and turning them into the settings the server takes.

import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export const SECTION = 'prodready';

export type ImportStrategy = 'useBundled' | 'fromEnvironment';

/** Settings that decide how the server process is started: changing one restarts it. */
export const LAUNCH_SETTINGS = ['path', 'interpreter', 'importStrategy', 'args'].map((key) => `${SECTION}.${key}`);

export interface LaunchSettings {
    path: string;
    interpreter: string;
    importStrategy: ImportStrategy;
    args: string[];
}

/** What the server receives in `initializationOptions` and for `workspace/configuration`. */
export interface ServerSettings {
    enable: boolean;
    debounce?: number;
    select?: string[];
    'extend-select'?: string[];
    ignore?: string[];
    severity?: Record<string, string>;
}

function firstFolder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
}

/** Expands `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function expand(value: string, folder: vscode.WorkspaceFolder | undefined = firstFolder()): string {
    let result = value.trim();
    if (result === '~' || result.startsWith('~/') || result.startsWith('~\\')) {
        result = path.join(os.homedir(), result.slice(1));
    }
    result = result.replace(/\$\{userHome\}/g, os.homedir());
    result = result.replace(/\$\{env:([^}]+)\}/g, (_match, name: string) => process.env[name] ?? '');
    if (folder) {
        result = result.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath);
        result = result.replace(/\$\{workspaceFolderBasename\}/g, folder.name);
    }
    return result;
}

export function launchSettings(): LaunchSettings {
    const config = vscode.workspace.getConfiguration(SECTION, firstFolder());
    const strategy = config.get<string>('importStrategy', 'useBundled');
    return {
        path: expand(config.get<string>('path', '') ?? ''),
        interpreter: expand(config.get<string>('interpreter', '') ?? ''),
        importStrategy: strategy === 'fromEnvironment' ? 'fromEnvironment' : 'useBundled',
        args: (config.get<string[]>('args', []) ?? []).map((arg) => expand(arg)),
    };
}

function nonEmptyList(value: unknown): string[] | undefined {
    if (!Array.isArray(value)) {
        return undefined;
    }
    const items = value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
    return items.length > 0 ? items.map((item) => item.trim()) : undefined;
}

/**
 * The server settings for `scope` (a file or folder URI; undefined: the window).
 * Empty lists are left out so that they do not override `[tool.prodready]` in pyproject.toml.
 */
export function serverSettings(scope?: vscode.Uri): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope ?? firstFolder()?.uri);
    const settings: ServerSettings = { enable: config.get<boolean>('enable', true) };
    const debounce = config.get<number>('debounce');
    if (typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0) {
        settings.debounce = Math.round(debounce);
    }
    const select = nonEmptyList(config.get('select'));
    if (select) {
        settings.select = select;
    }
    const extendSelect = nonEmptyList(config.get('extendSelect'));
    if (extendSelect) {
        settings['extend-select'] = extendSelect;
    }
    const ignore = nonEmptyList(config.get('ignore'));
    if (ignore) {
        settings.ignore = ignore;
    }
    const severity = config.get<Record<string, unknown>>('severity', {}) ?? {};
    const overrides: Record<string, string> = {};
    for (const [rule, level] of Object.entries(severity)) {
        if (typeof level === 'string' && ['error', 'warning', 'information', 'hint'].includes(level)) {
            overrides[rule] = level;
        }
    }
    if (Object.keys(overrides).length > 0) {
        settings.severity = overrides;
    }
    return settings;
}

export function isEnabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>('enable', true);
}
