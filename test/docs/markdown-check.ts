import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * What GitHub would render wrongly or lead nowhere: a table row whose cell count differs from its
 * header's, table rows without a header (a table split by a blank line renders its second half as
 * text), and relative links to a file, or an `#anchor` of a heading, that does not exist.
 */

/** Cells of a table row, split at unescaped `|` as GitHub splits them (also inside code spans). */
export function cellsOf(row: string): number {
  const inner = row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).length;
}

const isRow = (line: string) => line.trimStart().startsWith('|');
const isDelimiter = (line: string) => /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(line);

/** Lines outside fenced code blocks, with their 1-based numbers; fenced lines become ''. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

export function tableProblems(text: string): string[] {
  const lines = proseLines(text);
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!isRow(lines[i]!)) continue;
    const header = lines[i]!;
    if (!isDelimiter(lines[i + 1] ?? '')) {
      problems.push(`line ${i + 1}: a table row without a header (a table split by a blank line?): ${header.slice(0, 60)}`);
      continue;
    }
    const columns = cellsOf(header);
    if (cellsOf(lines[i + 1]!) !== columns) problems.push(`line ${i + 2}: the delimiter row has ${cellsOf(lines[i + 1]!)} cells, the header ${columns}`);
    let j = i + 2;
    for (; j < lines.length && isRow(lines[j]!); j++) {
      const n = cellsOf(lines[j]!);
      if (n !== columns) problems.push(`line ${j + 1}: ${n} cells, the header has ${columns}: ${lines[j]!.slice(0, 60)}`);
    }
    i = j - 1;
  }
  return problems;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const plain = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative links of a Markdown file (`file`, `file#anchor`, `#anchor`) that lead nowhere, or out of `root`. */
export function linkProblems(file: string, root: string): string[] {
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [filePart, anchor] = target.split('#', 2) as [string, string | undefined];
      const resolved = filePart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(filePart));
      if (path.relative(root, resolved).startsWith('..')) {
        problems.push(`${target}: outside the repository`);
        continue;
      }
      if (!existsSync(resolved)) {
        problems.push(`${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && anchor !== '' && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
        problems.push(`${target}: no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}
