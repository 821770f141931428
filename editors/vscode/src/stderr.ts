// The server's stderr, line by line, at the log level each line is meant at.
//
// vscode-languageclient logs every stderr line of the server as an error, so the start-up
// line of bundled/tool/server.py ("running prodready 0.1.0 from ...") showed as [error] in
// the prodready output channel. Lines the extension's launcher writes, and Python logging
// lines (`<date> <time> LEVEL name: message`, the server's format), carry their level;
// anything else (a traceback, a crash) stays an error. No `vscode` import: unit-testable.

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LAUNCHER = '[prodready extension] ';
const LAUNCHER_PROBLEMS = [/needs Python/, /cannot import/, /not found/];
const PYTHON_LOGGING = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) /;
const PYTHON_LEVELS: Record<string, Level> = {
    DEBUG: 'debug',
    INFO: 'info',
    WARNING: 'warn',
    ERROR: 'error',
    CRITICAL: 'error',
};

export function stderrLevel(line: string): Level {
    if (line.startsWith(LAUNCHER)) {
        const message = line.slice(LAUNCHER.length);
        return LAUNCHER_PROBLEMS.some((pattern) => pattern.test(message)) ? 'error' : 'info';
    }
    const logged = PYTHON_LOGGING.exec(line);
    if (logged) {
        return PYTHON_LEVELS[logged[1]];
    }
    return 'error';
}
