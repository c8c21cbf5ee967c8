import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigurationReference } from '../../src/config-doc.ts';
import { loadConfig, OPTIONS } from '../../src/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('the configuration reference', () => {
  it('docs/configuration.md is what the table of options in src/config.ts says (else run npm run docs:config)', () => {
    expect(readFileSync(path.join(root, 'docs/configuration.md'), 'utf8')).toBe(renderConfigurationReference(OPTIONS));
  });

  it('the parser reads every option of the table and nothing else', () => {
    const read = new Set<string>();
    const env = new Proxy({}, { get: (_, name) => (typeof name === 'string' ? (read.add(name), undefined) : undefined) });
    loadConfig(env);
    expect([...read].sort()).toEqual(Object.keys(OPTIONS).sort());
  });

  it('given a change to a default in the table, then the reference no longer matches', () => {
    const changed = { ...OPTIONS, PORT: { ...OPTIONS.PORT, parse: { ...OPTIONS.PORT.parse, default: 9090 } } };
    expect(renderConfigurationReference(changed)).not.toBe(renderConfigurationReference(OPTIONS));
    expect(renderConfigurationReference(changed)).toContain('| `PORT` | HTTP port | port number | `9090` | whole number, 0–65535 |');
  });
});
