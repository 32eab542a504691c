// A streaming RFC 4180 CSV reader: quoted fields (with commas, doubled quotes and line breaks
// inside), CRLF or LF, a UTF-8 byte-order mark. A malformed record is reported with its line and
// reading goes on at the next record; only an unterminated quote that runs away ends the file.
import { StringDecoder } from 'node:string_decoder';

/** A file, a stream or, in tests, an array of chunks. */
export type ChunkSource = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

export interface CsvRecord {
  /** Line (1-based) on which the record starts. */
  line: number;
  values: string[];
  /** Why the record cannot be read, or null. */
  error: string | null;
  /** Bytes of the source consumed so far (for progress). */
  bytes: number;
}

/** The file cannot be read any further (the message names the line). */
export class CatalogFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CatalogFormatError';
  }
}

export interface CsvOptions {
  /** A record longer than this (in characters) is taken for a runaway quote. */
  maxRecordChars?: number;
}

export async function* readCsv(source: ChunkSource, { maxRecordChars = 1 << 20 }: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let line = 1;
  let recordLine = 1;
  let values: string[] = [];
  let field = '';
  let quoted = false; // the current field began with a quote
  let inQuotes = false;
  let afterQuote = false; // just read a quote that closes (or, if another follows, escapes)
  let error: string | null = null;
  let recordChars = 0;
  let first = true;

  const endField = () => {
    values.push(field);
    field = '';
    quoted = false;
    afterQuote = false;
  };
  const endRecord = (): CsvRecord | null => {
    endField();
    const record = values.length === 1 && values[0] === '' && !error ? null : { line: recordLine, values, error, bytes };
    values = [];
    error = null;
    recordChars = 0;
    recordLine = line;
    return record;
  };
  const fail = (message: string) => {
    error ??= message;
  };

  const consume = function* (text: string): Generator<CsvRecord> {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (first) {
        first = false;
        if (c === '\uFEFF') continue;
      }
      if (++recordChars > maxRecordChars) {
        throw new CatalogFormatError(recordLine, `a record longer than ${maxRecordChars} characters: is a quoted field never closed?`);
      }
      if (inQuotes) {
        if (c === '"') {
          inQuotes = false;
          afterQuote = true;
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === '"') {
          field += '"';
          inQuotes = true;
          continue;
        }
        // Anything but a separator here is malformed; the record is refused, reading goes on.
        if (c !== ',' && c !== '\n' && c !== '\r') fail(`text after the closing quote of field ${values.length + 1}`);
      }
      if (c === ',') endField();
      else if (c === '\n') {
        line++;
        const record = endRecord();
        if (record) yield record;
      } else if (c === '\r') {
        // CRLF: the \n ends the record
      } else if (c === '"') {
        if (field === '' && !quoted) {
          quoted = true;
          inQuotes = true;
        } else {
          fail(`a quote inside unquoted field ${values.length + 1} (quote the whole field and double inner quotes: "a ""b"" c")`);
          field += c;
        }
      } else field += c;
    }
  };

  for await (const chunk of source) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    yield* consume(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* consume(decoder.end());
  if (inQuotes) throw new CatalogFormatError(recordLine, 'a quoted field is never closed before the end of the file');
  if (field !== '' || values.length > 0 || quoted || error) {
    const record = endRecord();
    if (record) yield record;
  }
}
