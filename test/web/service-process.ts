import { spawn, type ChildProcess } from 'node:child_process';
import { cliArgs } from '../helpers/cli.ts';

export interface ServiceProcess {
  /** The dashboard's address as the service printed it (`MonitoringGrid dashboard: …`). */
  readonly url: string;
  /** Everything the process wrote, for a failing test's message. */
  output(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL: a crash) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `monitoring-grid start` as `npm start` does, on a free port, and waits for the printed address. */
export async function startServiceProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, cliArgs('start'), {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service printed no address in ${timeoutMs} ms:\n${text}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      text += chunk.toString();
      const m = /MonitoringGrid dashboard: (http:\/\/\S+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${text}`));
    });
  });
  const kill = (signal: NodeJS.Signals) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
  return { url, output: () => text, stop: () => kill('SIGTERM'), kill };
}
