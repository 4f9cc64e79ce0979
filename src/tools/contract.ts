import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractDocuments } from '../protocol/contract/documents.js';

/**
 * Writes the machine-readable contract, generated from the zod schemas in src/protocol/:
 *   npm run contract             docs/asyncapi.json (socket.io events) and docs/openapi.json (HTTP routes)
 *   npm run contract -- --check  exit 1, naming the stale files, when the committed ones differ from the code
 */
const root = process.cwd();
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [name, text] of Object.entries(contractDocuments(version))) {
  const path = join(root, 'docs', name);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // missing: stale
  }
  if (current === text) continue;
  stale.push(`docs/${name}`);
  if (!check) writeFileSync(path, text);
}
if (check && stale.length > 0) {
  console.error(`contract: ${stale.join(', ')} differ from the code; run npm run contract and commit them`);
  process.exit(1);
}
console.log(
  stale.length === 0
    ? 'contract: docs/asyncapi.json and docs/openapi.json are up to date'
    : `contract: wrote ${stale.join(', ')}`,
);
