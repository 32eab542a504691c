export { importCatalog, IMPORT_DEFAULTS, type ImportOptions, type ImportProgress, type ImportResult, type Refusal } from './import';
export { COLUMNS, formatOf, readRows, type CatalogFormat, type CatalogRow } from './rows';
export { CatalogFormatError, readCsv, type ChunkSource, type CsvRecord } from './csv';
