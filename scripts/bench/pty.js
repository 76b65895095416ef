'use strict';
/**
 * Time from spawn until a program draws its first prompt on a pseudo-terminal. node-pty when it is
 * installed (a devDependency), else `script -q` (util-linux), which gives the child a pty too.
 * The prompt is recognised on the output with ANSI escapes removed: inquirer draws "? message".
 */
const { spawn } = require('node:child_process');

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;
const PROMPT = /(^|\n)\s*\?\s+\S/;

let ptyModule;
function loadPty() {
  if (ptyModule === undefined) {
    try {
      ptyModule = require('node-pty');
    } catch {
      ptyModule = null;
    }
  }
  return ptyModule;
}

const method = () => (loadPty() ? 'node-pty' : 'script -q');

/** Whether `output` (a program's output so far) has drawn a prompt. */
const promptIn = (output) => PROMPT.test(output.replace(ANSI, ''));

/**
 * Spawns `cmd args` on a pseudo-terminal (node-pty, else `script -q`). `onData` gets its output,
 * `onExit` its exit code (-1 when it could not be started). Returns { write(s), kill() }.
 */
function spawnOnTerminal({ cmd, args, cwd, env }, { onData, onExit }) {
  const pty = loadPty();
  if (pty) {
    const p = pty.spawn(cmd, args, { name: 'xterm-256color', cols: 120, rows: 40, cwd, env });
    p.onData(onData);
    p.onExit(({ exitCode }) => onExit(exitCode));
    return {
      write: (s) => p.write(s),
      kill: () => {
        try {
          p.kill();
        } catch {
          /* already gone */
        }
      },
    };
  }
  const quoted = [cmd, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ');
  const c = spawn('script', ['-q', '-e', '-c', quoted, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  c.stdout.on('data', onData);
  c.on('error', () => onExit(-1));
  c.on('exit', onExit);
  return { write: (s) => c.stdin.write(s), kill: () => c.kill('SIGKILL') };
}

/** Resolves with ms from spawn to the first prompt; rejects on exit or timeout before it. */
function timeToPrompt({ cmd, args, cwd, env, timeoutMs = 20000, label }) {
  return new Promise((resolve, reject) => {
    let seen = '';
    let done = false;
    const t0 = process.hrtime.bigint();
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      term.kill();
      if (err) reject(err);
      else resolve(ms);
    };
    const term = spawnOnTerminal(
      { cmd, args, cwd, env },
      {
        onData: (d) => {
          seen += String(d);
          if (promptIn(seen)) finish(null);
        },
        onExit: (code) => finish(new Error(`${label}: exited (${code}) before a prompt; output:\n${seen.replace(ANSI, '').slice(-1500)}`)),
      },
    );
    const timer = setTimeout(() => finish(new Error(`${label}: no prompt within ${timeoutMs} ms; output:\n${seen.replace(ANSI, '').slice(-1500)}`)), timeoutMs);
  });
}

/** Wait for a killed child to be reaped before the next run, so runs do not overlap. */
const settle = () => new Promise((r) => setTimeout(r, 50));

module.exports = { timeToPrompt, spawnOnTerminal, promptIn, method, settle };
