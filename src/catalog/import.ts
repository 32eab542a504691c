// Imports a catalogue file into a CatalogStore: every row validated (validateProduct, as the
// upsertProducts mutation does), valid rows written in batches, refused rows counted with their
// line and reason. Idempotent: a product already stored exactly as in the file is not written
// again, so re-running the same file writes nothing and changes nothing.
import { RecsysError } from '../errors';
import { validateProduct } from '../services/catalog';
import type { CatalogStore, Product } from '../store/types';
import type { ChunkSource } from './csv';
import { readRows, type CatalogFormat } from './rows';

export interface Refusal {
  line: number;
  reason: string;
}

export interface ImportProgress {
  rows: number;
  written: number;
  unchanged: number;
  refused: number;
  bytes: number;
}

export interface ImportResult extends ImportProgress {
  /** Valid rows (written + unchanged; in a dry run: the rows that would be written or kept). */
  valid: number;
  dryRun: boolean;
  /** The first `keepRefusals` refusals, in file order; `refused` counts them all. */
  refusals: Refusal[];
}

export interface ImportOptions {
  source: ChunkSource;
  format: CatalogFormat;
  /** Where valid rows go; null with dryRun (validation only, nothing read or written). */
  store: CatalogStore | null;
  dryRun?: boolean;
  /** Products per store round trip. */
  batchSize?: number;
  keepRefusals?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export const IMPORT_DEFAULTS = { batchSize: 500, keepRefusals: 1000, maxBatchSize: 1000 } as const;

function sameProduct(stored: Product | null, next: Product): boolean {
  return (
    stored !== null &&
    stored.id === next.id &&
    stored.name === next.name &&
    stored.category === next.category &&
    stored.price === next.price &&
    stored.inStock === next.inStock &&
    stored.imageUrl === next.imageUrl
  );
}

export async function importCatalog(options: ImportOptions): Promise<ImportResult> {
  const { source, format, store, dryRun = false, batchSize = IMPORT_DEFAULTS.batchSize, keepRefusals = IMPORT_DEFAULTS.keepRefusals, onProgress } = options;
  if (!dryRun && !store) throw new Error('importCatalog: a store is needed unless dryRun is set');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > IMPORT_DEFAULTS.maxBatchSize) {
    throw new RangeError(`batchSize must be from 1 to ${IMPORT_DEFAULTS.maxBatchSize}, got ${batchSize}`);
  }
  const result: ImportResult = { rows: 0, valid: 0, written: 0, unchanged: 0, refused: 0, bytes: 0, dryRun, refusals: [] };
  const firstLineOf = new Map<string, number>();
  let batch: Product[] = [];

  const refuse = (line: number, reason: string) => {
    result.refused++;
    if (result.refusals.length < keepRefusals) result.refusals.push({ line, reason });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const products = batch;
    batch = [];
    if (dryRun || !store) return;
    const stored = await store.getProducts(products.map((p) => p.id));
    const changed = products.filter((p, i) => !sameProduct(stored[i] ?? null, p));
    if (changed.length > 0) await store.upsertProducts(changed);
    result.written += changed.length;
    result.unchanged += products.length - changed.length;
  };

  for await (const row of readRows(format, source)) {
    result.rows++;
    result.bytes = row.bytes;
    if (row.error !== null || row.fields === null) {
      refuse(row.line, row.error ?? 'unreadable row');
    } else {
      try {
        const product = validateProduct(row.fields, 'product');
        const first = firstLineOf.get(product.id);
        if (first !== undefined) {
          refuse(row.line, `id "${product.id}" is already on line ${first} (each id once per file)`);
        } else {
          firstLineOf.set(product.id, row.line);
          result.valid++;
          batch.push(product);
          if (batch.length >= batchSize) await flush();
        }
      } catch (err) {
        if (!(err instanceof RecsysError)) throw err;
        refuse(row.line, err.message.replace(/^product\./, ''));
      }
    }
    onProgress?.(result);
  }
  await flush();
  onProgress?.(result);
  return result;
}
