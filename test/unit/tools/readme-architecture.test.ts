import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('### Architecture'), readme.indexOf('Design notes:'));

describe("README's architecture section", () => {
  it('names every folder and top-level file of src/, and nothing that is not there', () => {
    const entries = readdirSync('src', { withFileTypes: true }).map((e) =>
      e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`,
    );
    expect(section.length).toBeGreaterThan(0);
    for (const entry of entries) expect(section, entry).toContain(`\`${entry}\``);
    const named = [...section.matchAll(/`(src\/[a-z-]+(?:\/|\.ts))`/g)].map((m) => m[1]);
    expect(named.filter((n) => !entries.includes(n!))).toEqual([]);
  });

  it('names every adapter folder', () => {
    for (const e of readdirSync('src/adapters', { withFileTypes: true }))
      if (e.isDirectory()) expect(section, e.name).toContain(`\`${e.name}\``);
  });
});
