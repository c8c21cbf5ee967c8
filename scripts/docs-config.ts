// `npm run docs:config`: writes docs/configuration.md from the table of options in src/config.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigurationReference } from '../src/config-doc.ts';
import { OPTIONS } from '../src/config.ts';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/configuration.md');
writeFileSync(file, renderConfigurationReference(OPTIONS));
console.log(`wrote ${path.relative(process.cwd(), file)} (${Object.keys(OPTIONS).length} options)`);
