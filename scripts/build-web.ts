// Builds the storefront demo page: web/main.ts bundled by esbuild (browser, ES2020) plus the
// static files of web/, into dist/web (served by the gateway at `/`).
//   npm run build:web              (also part of `npm run build`)
//   tsx scripts/build-web.ts <dir> (another output folder)
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

export const WEB_SRC = path.resolve(__dirname, '../web');
export const WEB_OUT = path.resolve(__dirname, '../dist/web');
const STATIC_FILES = ['index.html', 'styles.css'];

export interface BuiltWeb {
  outDir: string;
  bytes: number;
}

export async function buildWeb(options: { outDir?: string; minify?: boolean } = {}): Promise<BuiltWeb> {
  const outDir = path.resolve(options.outDir ?? WEB_OUT);
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(WEB_SRC, 'main.ts')],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  await Promise.all(STATIC_FILES.map((f) => copyFile(path.join(WEB_SRC, f), path.join(outDir, f))));
  const bytes = result.metafile.outputs[path.relative(process.cwd(), path.join(outDir, 'main.js')).split(path.sep).join('/')]?.bytes ?? 0;
  return { outDir, bytes };
}

if (require.main === module) {
  buildWeb({ outDir: process.argv[2] })
    .then(({ outDir, bytes }) => process.stdout.write(`web: built ${path.relative(process.cwd(), outDir) || '.'} (main.js ${Math.round(bytes / 1024)} KiB)\n`))
    .catch((err: Error) => {
      process.stderr.write(`web: build failed: ${err.message}\n`);
      process.exit(1);
    });
}
