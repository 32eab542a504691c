// Checks that read ../shared (beside the repository: the shared contract, datasets). Locally a
// missing ../shared skips them with a visible note; in CI (CI=true) it fails them, naming the path,
// so a CI checkout without it cannot pass by skipping.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

/** `it` when the file exists; otherwise a failing test in CI, a skipped one (with a note) elsewhere. */
export function itWhenShared(file: string): jest.It {
  if (existsSync(file)) return it;
  if (process.env.CI === 'true') {
    return ((name: string) =>
      it(name, () => {
        throw new Error(`${file} is missing: CI must check out ../shared beside the repository (CI=true, so this check may not be skipped)`);
      })) as unknown as jest.It;
  }
  process.stderr.write(`note: ${file} is missing, so these checks are skipped locally (they fail when CI=true)\n`);
  return it.skip;
}
