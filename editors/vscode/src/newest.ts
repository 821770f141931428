// Which Python runs the bundled server. The bundled copy of prodready works on every Python
// from 3.10 on (bundled/libs holds libcst's compiled module for each), and the newer the
// interpreter, the more of the workspace's syntax its own parser reads: a file written for
// Python 3.13 is fully analysed only by a 3.13 or newer interpreter (older ones fall back to
// libcst's parser block by block, core/newer_syntax.py). So with the bundled copy the newest
// Python available is preferred, the selected one winning ties.
//
// Kept free of the `vscode` module so that it can be bundled and run under plain Node in the
// test suite (tests/editors/test_vscode_package.py).

import { execFile } from 'child_process';

export type Version = [number, number];

export interface Candidate {
    /** An executable path, or a bare name looked up on PATH. */
    readonly command: string;
    /** Where it came from, for the log ("the Python extension", "PATH"). */
    readonly origin: string;
}

export interface Chosen extends Candidate {
    readonly version: Version;
}

export const MIN_VERSION: Version = [3, 10];

/** Interpreter names to look for on PATH, newest first. */
export function pathCandidates(platform: NodeJS.Platform = process.platform): Candidate[] {
    if (platform === 'win32') {
        // python.org installs put `python` (and the `py` launcher) on PATH, not python3.X.
        return [{ command: 'python', origin: 'PATH' }];
    }
    const minors = [14, 13, 12, 11, 10];
    return [...minors.map((minor) => ({ command: `python3.${minor}`, origin: 'PATH' })), { command: 'python3', origin: 'PATH' }];
}

// -I: the probe imports nothing from the current folder or the user's site directory.
const PROBE = ['-I', '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'];

/** The interpreter's major.minor version, or undefined when it cannot be run. */
export function probeVersion(command: string, timeoutMs = 5000): Promise<Version | undefined> {
    return new Promise((resolve) => {
        execFile(command, PROBE, { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
            const match = /^(\d+)\.(\d+)\s*$/.exec(String(stdout));
            resolve(error || !match ? undefined : [Number(match[1]), Number(match[2])]);
        });
    });
}

function compare(a: Version, b: Version): number {
    return a[0] - b[0] || a[1] - b[1];
}

/**
 * The newest candidate at or above MIN_VERSION; among equals, the first one given (so list
 * the selected interpreter first). Undefined when none runs.
 */
export async function newestPython(
    candidates: readonly Candidate[],
    probe: (command: string) => Promise<Version | undefined> = probeVersion,
): Promise<Chosen | undefined> {
    const versions = await Promise.all(candidates.map((candidate) => probe(candidate.command)));
    let best: Chosen | undefined;
    candidates.forEach((candidate, index) => {
        const version = versions[index];
        if (version && compare(version, MIN_VERSION) >= 0 && (!best || compare(version, best.version) > 0)) {
            best = { ...candidate, version };
        }
    });
    return best;
}
