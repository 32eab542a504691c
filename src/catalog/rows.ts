// Catalogue files, row by row: CSV (header id,name,category,price,inStock,imageUrl, any order) or
// JSON Lines (one product object per line). Each row becomes the fields validateProduct checks,
// or the reason it cannot; typos in column or key names are refused rather than ignored.
import type { ProductFields } from '../services/catalog';
import { CatalogFormatError, readCsv, type ChunkSource } from './csv';
import { readLines } from './lines';

export const COLUMNS = ['id', 'name', 'category', 'price', 'inStock', 'imageUrl'] as const;
export type Column = (typeof COLUMNS)[number];
export type CatalogFormat = 'csv' | 'jsonl';

export interface CatalogRow {
  line: number;
  /** The product's fields, or null when the row itself cannot be read. */
  fields: ProductFields | null;
  error: string | null;
  bytes: number;
}

export function formatOf(file: string): CatalogFormat | null {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(file)) return 'jsonl';
  return null;
}

function headerColumns(values: string[], line: number): Column[] {
  const byLowerName = new Map(COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = values.map((raw) => {
    const column = byLowerName.get(raw.trim().toLowerCase());
    if (!column) throw new CatalogFormatError(line, `unknown column "${raw}" in the header; expected ${COLUMNS.join(',')}`);
    return column;
  });
  const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
  if (repeated) throw new CatalogFormatError(line, `column "${repeated}" appears twice in the header`);
  for (const required of ['id', 'name'] as const) {
    if (!columns.includes(required)) throw new CatalogFormatError(line, `the header has no "${required}" column; expected ${COLUMNS.join(',')}`);
  }
  return columns;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, '1': true, '0': false };

/** CSV text to typed fields: empty = not given; a value that is not a number/boolean is passed on for validation to refuse. */
function csvValue(column: Column, raw: string): unknown {
  if (raw === '') return column === 'name' || column === 'id' ? raw : undefined;
  if (column === 'price') return NUMBER.test(raw.trim()) ? Number(raw) : raw;
  if (column === 'inStock') return BOOLEANS[raw.trim().toLowerCase()] ?? raw;
  return raw;
}

export async function* readCsvRows(source: ChunkSource): AsyncGenerator<CatalogRow> {
  let columns: Column[] | null = null;
  for await (const record of readCsv(source)) {
    if (!columns) {
      if (record.error) throw new CatalogFormatError(record.line, `the header cannot be read: ${record.error}`);
      columns = headerColumns(record.values, record.line);
      continue;
    }
    if (record.error) {
      yield { line: record.line, fields: null, error: record.error, bytes: record.bytes };
    } else if (record.values.length !== columns.length) {
      const error = `${record.values.length} fields where the header has ${columns.length} (quote fields that contain commas)`;
      yield { line: record.line, fields: null, error, bytes: record.bytes };
    } else {
      const fields: Record<string, unknown> = {};
      columns.forEach((column, i) => (fields[column] = csvValue(column, record.values[i]!)));
      yield { line: record.line, fields: fields, error: null, bytes: record.bytes };
    }
  }
  if (!columns) throw new CatalogFormatError(1, `the file is empty; a CSV catalogue starts with the header ${COLUMNS.join(',')}`);
}

export async function* readJsonlRows(source: ChunkSource): AsyncGenerator<CatalogRow> {
  const known = new Set<string>(COLUMNS);
  for await (const { line, text, bytes } of readLines(source)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { line, fields: null, error: `not valid JSON (${(err as Error).message})`, bytes };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, fields: null, error: 'expected a JSON object with id, name, category, price, inStock, imageUrl', bytes };
      continue;
    }
    const unknown = Object.keys(value).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      yield {
        line,
        fields: null,
        error: `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; expected ${COLUMNS.join(', ')}`,
        bytes,
      };
      continue;
    }
    yield { line, fields: value, error: null, bytes };
  }
}

export function readRows(format: CatalogFormat, source: ChunkSource): AsyncGenerator<CatalogRow> {
  return format === 'csv' ? readCsvRows(source) : readJsonlRows(source);
}
