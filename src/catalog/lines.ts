// Lines of a byte stream (LF or CRLF), with their 1-based numbers and the bytes read so far.
import { StringDecoder } from 'node:string_decoder';
import type { ChunkSource } from './csv';

export interface Line {
  line: number;
  text: string;
  bytes: number;
}

export async function* readLines(source: ChunkSource): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let line = 0;
  let bytes = 0;
  const split = function* (text: string, final: boolean): Generator<Line> {
    pending += text;
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      yield { line: ++line, text: pending.slice(start, nl).replace(/\r$/, ''), bytes };
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (final && pending !== '') yield { line: ++line, text: pending.replace(/\r$/, ''), bytes };
  };
  let first = true;
  for await (const chunk of source) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text !== '') {
      first = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    yield* split(text, false);
  }
  yield* split(decoder.end(), true);
}
