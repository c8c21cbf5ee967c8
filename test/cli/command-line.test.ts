import { describe, expect, it } from 'vitest';
import { defineCommand, runCommandLine, UsageError, type Command } from '../../src/adapters/cli/command-line.ts';

/** A table of the shapes the real one has: a plain command, one with a required flag, a two-word group. */
function table() {
  const calls: unknown[] = [];
  const commands: Command[] = [
    defineCommand({
      words: ['serve'], summary: 'serve things', details: 'Serves them well.',
      options: { port: { type: 'string', value: 'N', description: 'where' }, quiet: { type: 'boolean', description: 'say less' } },
      run: (v) => {
        calls.push(v);
        if (v.port === 'bad') throw new UsageError('--port must be a number');
        if (v.port === 'boom') throw new Error('boom');
        return v.quiet ? 7 : 0;
      },
    }),
    defineCommand({
      words: ['load'], summary: 'load a file',
      options: { input: { type: 'string', value: 'FILE', required: true, description: 'the file' } },
      run: async (v) => {
        calls.push(v);
        return 0;
      },
    }),
    defineCommand({ words: ['key', 'create'], summary: 'make a key', options: {}, run: () => (calls.push('key create'), 0) }),
    defineCommand({ words: ['key', 'revoke'], summary: 'drop a key', options: {}, run: () => (calls.push('key revoke'), 0) }),
  ];
  return { commands, calls };
}

async function cli(...argv: string[]) {
  const { commands, calls } = table();
  const io = { stdout: '', stderr: '' };
  const status = await runCommandLine(commands, argv, { out: (t) => void (io.stdout += t), err: (t) => void (io.stderr += t) }, 'See the docs.');
  return { status, ...io, calls };
}

describe('help', () => {
  it.each([['--help'], ['-h'], ['help']])('%s lists every command on stdout, exit 0', async (flag) => {
    const r = await cli(flag);
    expect(r).toMatchObject({ status: 0, stderr: '', calls: [] });
    expect(r.stdout).toMatch(/^usage: monitoring-grid <command> \[options\]\n/);
    for (const line of ['serve       serve things', 'load        load a file', 'key create  make a key', 'key revoke  drop a key']) expect(r.stdout).toContain(`  ${line}\n`);
    expect(r.stdout).toContain('See the docs.');
  });

  it.each([['serve', '--help'], ['serve', '-h'], ['help', 'serve'], ['serve', '--port', '1', '--bogus', '--help']])(
    '%s %s… shows the command\'s synopsis, details and every flag, and does not run it', async (...argv) => {
      const r = await cli(...argv);
      expect(r).toMatchObject({ status: 0, stderr: '', calls: [] });
      expect(r.stdout).toBe([
        'usage: monitoring-grid serve [--port N] [--quiet]', '', 'serve things', '', 'Serves them well.', '', 'options:',
        '  --port N    where', '  --quiet     say less', '  -h, --help  show this help', '',
      ].join('\n'));
    },
  );

  it('a required flag stands in the synopsis without brackets', async () => {
    expect((await cli('load', '--help')).stdout).toContain('usage: monitoring-grid load --input FILE\n');
  });

  it('a group\'s help shows each of its commands', async () => {
    const r = await cli('key', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: monitoring-grid key create\n');
    expect(r.stdout).toContain('usage: monitoring-grid key revoke\n');
  });
});

describe('a wrong command line: what is wrong and the usage on stderr, exit 2, nothing run', () => {
  it.each([
    [[], 'monitoring-grid: a command is needed', 'usage: monitoring-grid <command>'],
    [['frob'], 'monitoring-grid: unknown command frob', 'usage: monitoring-grid <command>'],
    [['help', 'frob'], 'monitoring-grid: unknown command frob', 'usage: monitoring-grid <command>'],
    [['--port', '1'], 'monitoring-grid: unknown command --port', 'usage: monitoring-grid <command>'],
    [['key'], 'monitoring-grid key: expected create, revoke', '  key create  make a key'],
    [['key', 'rotate'], 'monitoring-grid key: unknown command rotate; expected create, revoke', '  key revoke  drop a key'],
    [['serve', '--bogus'], "monitoring-grid serve: Unknown option '--bogus'", 'usage: monitoring-grid serve [--port N] [--quiet]'],
    [['serve', '-x'], "monitoring-grid serve: Unknown option '-x'", 'usage: monitoring-grid serve'],
    [['serve', 'extra'], "monitoring-grid serve: Unexpected argument 'extra'", 'usage: monitoring-grid serve'],
    [['serve', '--', '--port'], "monitoring-grid serve: Unexpected argument '--port'", 'usage: monitoring-grid serve'],
    [['serve', '--port'], "monitoring-grid serve: Option '--port <value>' argument missing", 'usage: monitoring-grid serve'],
    [['serve', '--quiet=yes'], "monitoring-grid serve: Option '--quiet' does not take an argument", 'usage: monitoring-grid serve'],
    [['load'], 'monitoring-grid load: --input is required', 'usage: monitoring-grid load --input FILE'],
    [['key', 'create', '--name', 'x'], "monitoring-grid key create: Unknown option '--name'", 'usage: monitoring-grid key create'],
  ])('%j', async (argv, message, usage) => {
    const r = await cli(...argv);
    expect(r).toMatchObject({ status: 2, stdout: '', calls: [] });
    expect(r.stderr.split('\n')[0]).toContain(message);
    expect(r.stderr).toContain(usage);
  });

  it('a UsageError from the command is told the same way', async () => {
    const r = await cli('serve', '--port', 'bad');
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(/^monitoring-grid serve: --port must be a number\n\nusage: monitoring-grid serve/);
  });
});

describe('a right command line', () => {
  it('runs the command with its parsed flags and answers its status', async () => {
    expect(await cli('serve', '--port', '8080', '--quiet')).toMatchObject({ status: 7, stdout: '', stderr: '', calls: [{ port: '8080', quiet: true }] });
    expect(await cli('serve', '--port=9')).toMatchObject({ status: 0, calls: [{ port: '9' }] });
    expect(await cli('load', '--input', 'a.csv')).toMatchObject({ status: 0, calls: [{ input: 'a.csv' }] });
    expect(await cli('key', 'revoke')).toMatchObject({ status: 0, calls: ['key revoke'] });
  });

  it('any other error of the command is not a usage error: it is thrown to the entry point', async () => {
    await expect(cli('serve', '--port', 'boom')).rejects.toThrow('boom');
  });
});
