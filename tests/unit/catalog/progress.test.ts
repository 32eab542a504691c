import { createProgressBar } from '../../../src/catalog/progress';

const at = (bytes: number, rows = 1) => ({ rows, written: rows, unchanged: 0, refused: 0, bytes });

describe('the import progress bar', () => {
  it('prints a plain line every tenth of the file when stderr is not a terminal', () => {
    const lines: string[] = [];
    const bar = createProgressBar({ write: (t: string) => lines.push(t), isTTY: false }, 1000);
    for (let b = 0; b <= 1000; b += 50) bar.update(at(b));
    expect(lines).toHaveLength(11);
    expect(lines[5]).toMatch(/^\[#####-----\] {2}50% 1 rows, 1 written, 0 unchanged, 0 refused\n$/);
  });

  it('redraws one line in place on a terminal, at most every 100 ms, and ends it with a line break', () => {
    let now = 0;
    const out: string[] = [];
    const bar = createProgressBar({ write: (t: string) => out.push(t), isTTY: true, columns: 80 }, 100, () => now);
    bar.update(at(10));
    now = 50;
    bar.update(at(20));
    now = 200;
    bar.update(at(30));
    bar.done(at(100, 7));
    expect(out).toHaveLength(3);
    expect(out.every((t) => t.startsWith('\r'))).toBe(true);
    expect(out[2]).toMatch(/100% 7 rows.*\n$/);
  });
});
