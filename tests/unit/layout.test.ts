// The README's Layout table is the order of layers: a module under src/ may import its own folder
// and the rows below its own. This reads the table and every relative import of src/ (a static scan
// of import/export statements), so an arrow running back up fails here, naming the file and import.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

/** Rows of the Layout table, top first: each row's `src/...` entries ('server', 'app.ts', ...). */
function layoutRows(readme: string): string[][] {
  const section = readme.split(/^## Layout$/m)[1]?.split(/^Outside `src\/`:$/m)[0];
  if (!section) throw new Error('README.md has no "## Layout" section ending before "Outside `src/`:"');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `src/'))
    .map((line) => [...line.split('|')[1]!.matchAll(/`src\/([^`/]+)\/?`/g)].map((m) => m[1]!));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The relative module specifiers a file imports or re-exports (static and `import('...')` types). */
function relativeImports(text: string): string[] {
  const found = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
  return [...new Set(found)];
}

/** The top-level entry of src/ a file belongs to: its folder ('store'), or the file itself ('app.ts'). */
function entryOf(file: string): string {
  return relative(SRC, file).split(/[\\/]/)[0]!;
}

/** The entry an import names: '../errors' is the folder src/errors, './app' the file src/app.ts. */
function entryOfImport(from: string, specifier: string): string {
  const top = relative(SRC, resolve(dirname(from), specifier)).split(/[\\/]/)[0]!;
  return existsSync(join(SRC, top)) && statSync(join(SRC, top)).isDirectory() ? top : `${top}.ts`;
}

describe('the layers of src/', () => {
  const rows = layoutRows(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const rowOf = new Map<string, number>();
  rows.forEach((entries, index) => entries.forEach((entry) => rowOf.set(entry, index)));

  it('reads a Layout table that places every folder and top-level file of src/ once', () => {
    const entries = rows.flat();
    expect(entries.length).toBeGreaterThan(10);
    expect(new Set(entries).size).toBe(entries.length);
    const present = readdirSync(SRC, { withFileTypes: true }).map((e) => e.name);
    const unplaced = present.filter((name) => !rowOf.has(name));
    const missing = entries.filter((entry) => !present.includes(entry));
    expect({ unplaced, missing }).toEqual({ unplaced: [], missing: [] });
  });

  it('finds static imports, re-exports and type imports', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b/types';",
      "export { c } from './c';",
      "import './side';",
      "type T = import('../d').D;",
      "import { e } from 'node:fs';",
    ].join('\n');
    expect(relativeImports(text)).toEqual(['./a', '../b/types', './c', './side', '../d']);
  });

  it('has no module importing a folder above its own row, nor a peer of its row', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const file of files) {
      const own = entryOf(file);
      const ownRow = rowOf.get(own);
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = entryOfImport(file, specifier);
        if (target === own) continue;
        const targetRow = rowOf.get(target);
        const where = `${relative(ROOT, file)} imports '${specifier}'`;
        if (ownRow === undefined || targetRow === undefined) wrong.push(`${where}: not in the README's Layout table`);
        else if (targetRow < ownRow) wrong.push(`${where}: src/${target} is above src/${own} in the Layout table`);
        else if (targetRow === ownRow) wrong.push(`${where}: src/${target} is a peer of src/${own} in the Layout table`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
