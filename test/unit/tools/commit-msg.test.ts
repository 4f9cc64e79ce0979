import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'linkmic-commit-msg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (message: string): { ok: boolean; said: string } => {
  const file = join(dir, 'MSG');
  writeFileSync(file, message);
  const run = spawnSync('sh', ['.githooks/commit-msg', file], { encoding: 'utf8' });
  return { ok: run.status === 0, said: run.stderr };
};

describe('the commit-msg hook', () => {
  it('takes a subject of up to 72 characters with a body', () => {
    expect(check(`${'s'.repeat(72)}\n\nWhy it changed.\n`)).toEqual({ ok: true, said: '' });
  });

  it('refuses a longer subject, naming its length', () => {
    const r = check(`${'s'.repeat(73)}\n\nWhy.\n`);
    expect(r.ok).toBe(false);
    expect(r.said).toContain('73 characters');
  });

  it('refuses a message without a body, and one without the blank line', () => {
    expect(check('Subject only\n').ok).toBe(false);
    expect(check('Subject only\n# Please enter the commit message\n').ok).toBe(false);
    expect(check('Subject\nbody at once\n').ok).toBe(false);
  });
});
