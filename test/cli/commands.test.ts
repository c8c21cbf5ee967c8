import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCommandLine } from '../../src/adapters/cli/command-line.ts';
import { COMMANDS } from '../../src/cli.ts';
import { cliArgs } from '../helpers/cli.ts';

/** The real command table, in process: every command it has, including those added after this test. */
async function cli(...argv: string[]) {
  const io = { stdout: '', stderr: '' };
  const status = await runCommandLine(COMMANDS, argv, { out: (t) => void (io.stdout += t), err: (t) => void (io.stderr += t) }, '');
  return { status, ...io };
}

const NAMES = COMMANDS.map((c) => c.words.join(' '));

describe('monitoring-grid help, for every command of the table', () => {
  it('the commands a user has today are all there', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['start', 'migrate', 'user create', 'apikey create', 'replay', 'backtest']));
  });

  it('--help lists every command with its summary', async () => {
    const r = await cli('--help');
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`\\n  ${c.words.join(' ')} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
  });

  it.each(NAMES)('%s --help shows its synopsis and every flag it accepts, exit 0', async (name) => {
    const command = COMMANDS.find((c) => c.words.join(' ') === name)!;
    const r = await cli(...command.words, '--help');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^usage: monitoring-grid ${name}( |\\n)`));
    for (const [flag, o] of Object.entries(command.options)) {
      expect(r.stdout).toContain(`  ${o.short ? `-${o.short}, ` : ''}--${flag}${o.type === 'string' ? ` ${o.value}` : ''} `);
      expect(o.description.length).toBeGreaterThan(0);
    }
  });

  it.each(NAMES)('%s with an unknown flag: refused with its usage, exit 2, before anything runs', async (name) => {
    const command = COMMANDS.find((c) => c.words.join(' ') === name)!;
    const r = await cli(...command.words, '--no-such-flag');
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toContain(`monitoring-grid ${name}: Unknown option '--no-such-flag'`);
    expect(r.stderr).toContain(`usage: monitoring-grid ${name}`);
  });

  it.each(NAMES)('%s with a stray argument: refused, exit 2', async (name) => {
    const command = COMMANDS.find((c) => c.words.join(' ') === name)!;
    expect(await cli(...command.words, 'stray')).toMatchObject({ status: 2, stderr: expect.stringContaining("Unexpected argument 'stray'") });
  });

  it('commands refuse a missing required flag or a value they do not know, naming it', async () => {
    expect(await cli('user', 'create', '--username', 'ann')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^monitoring-grid user create: --role is required\n/) });
    expect(await cli('apikey', 'create')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^monitoring-grid apikey create: --name, --scopes are required\n/) });
    expect(await cli('backtest', '--input', 'x.csv')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^monitoring-grid backtest: --output is required\n/) });
    expect(await cli('start', '--role', 'boss')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^monitoring-grid start: --role must be one of all, api, scheduler \(got boss\)\n/) });
    expect(await cli('apikey', 'create', '--name', 'n', '--scopes', 'kpi:read', '--expires-in-days', '0'))
      .toMatchObject({ status: 2, stderr: expect.stringMatching(/^monitoring-grid apikey create: --expires-in-days must be a positive number\n/) });
    expect(await cli('user')).toMatchObject({ status: 2, stderr: expect.stringMatching(/^monitoring-grid user: expected create\n/) });
  });
});

describe('the process (the entry bin/monitoring-grid.js runs, from the sources)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, cliArgs(...args), { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'silent' } });

  it('--help: the overview on stdout, exit 0; start --help starts nothing', () => {
    const help = run('--help');
    expect(help.stdout).toContain('usage: monitoring-grid <command> [options]');
    expect(help.stdout).toContain('Configuration comes from environment variables');
    expect(help.status).toBe(0);
    const start = run('start', '--help');
    expect(start.stdout).toMatch(/^usage: monitoring-grid start \[--role all\|api\|scheduler\]\n/);
    expect(start.status).toBe(0);
  });

  it('an unknown command or flag: the usage on stderr, exit 2', () => {
    const unknown = run('frob');
    expect(unknown.stderr).toMatch(/^monitoring-grid: unknown command frob\n\nusage: monitoring-grid <command>/);
    expect(unknown.status).toBe(2);
    const flag = run('migrate', '--force');
    expect(flag.stderr).toMatch(/^monitoring-grid migrate: Unknown option '--force'/);
    expect(flag.status).toBe(2);
  });
});
