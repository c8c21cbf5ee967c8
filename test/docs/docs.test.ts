import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, linkProblems, tableProblems } from './markdown-check.ts';

const root = path.resolve(import.meta.dirname, '../..');
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('the documentation (README.md and docs/*.md)', () => {
  it.each(pages)('%s: every table has a header and rows of its column count', (page) => {
    expect(tableProblems(readFileSync(path.join(root, page), 'utf8'))).toEqual([]);
  });

  it.each(pages)('%s: every relative link leads to a file of the repository, and its #anchor to a heading', (page) => {
    expect(linkProblems(path.join(root, page), root)).toEqual([]);
  });

  it('the README reads in five minutes: under 200 lines', () => {
    expect(readFileSync(path.join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThan(200);
  });
});

describe('the documentation checks', () => {
  it('given a table split by a blank line, or a row with a cell too many, then each is reported', () => {
    const text = ['| a | b |', '|---|---|', '| 1 | 2 |', '', '| 3 | 4 |', '', '| c | d |', '|---|---|', '| 1 | 2 | 3 |', '| `x\\|y` | 5 |'].join('\n');
    expect(tableProblems(text)).toEqual([
      'line 5: a table row without a header (a table split by a blank line?): | 3 | 4 |',
      'line 9: 3 cells, the header has 2: | 1 | 2 | 3 |',
    ]);
  });

  it('given a pipe in a code span that is not escaped, then the row is reported, as GitHub splits it', () => {
    expect(tableProblems('| a | b |\n|---|---|\n| `x|y` | 2 |')).toHaveLength(1);
  });

  it('given tables in a code block, then they are not checked', () => {
    expect(tableProblems('```\n| a |\n```')).toEqual([]);
  });

  it('given links to a missing file, a missing anchor, a file outside the repository, then each is reported; good ones pass', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mg-docs-'));
    writeFileSync(path.join(dir, 'other.md'), '# Other page\n## KPI fields\n## Why it’s so\n');
    writeFileSync(path.join(dir, 'page.md'), [
      '# Page', '[ok](other.md#kpi-fields) [ok](other.md#why-its-so) [ok](#page) [web](https://example.com/x)',
      '[gone](missing.md) [anchor](other.md#nope) [self](#nope) [out](../outside.md) `[code](missing.md)`',
    ].join('\n'));
    expect(linkProblems(path.join(dir, 'page.md'), dir)).toEqual([
      'missing.md: no such file', 'other.md#nope: no heading with the anchor #nope', '#nope: no heading with the anchor #nope', '../outside.md: outside the repository',
    ]);
  });

  it('anchors follow GitHub: punctuation dropped, code marks dropped, repeated headings numbered', () => {
    expect([...anchorsOf('# A `read-only` user, per engine\n## Events\n## Events\n```\n# not a heading\n```')]).toEqual(['a-read-only-user-per-engine', 'events', 'events-1']);
  });
});
