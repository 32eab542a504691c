// Shared header handling for the delimited formats that carry one.

/** Lower-case, without `_`, `-`, spaces or quotes: `session_id`, `sessionId` and `SessionId` match. */
export function normaliseColumn(name: string): string {
  return name
    .trim()
    .replace(/^"|"$/g, '')
    .toLowerCase()
    .replace(/[_\-\s]/g, '');
}

/**
 * Column positions of `wanted` (normalised names) in a header line, or null if any is missing.
 * `aliases` maps a wanted name to other accepted spellings.
 */
export function columnsOf(
  line: string,
  sep: string,
  wanted: readonly string[],
  aliases: Record<string, readonly string[]> = {},
): Record<string, number> | null {
  const names = line.split(sep).map(normaliseColumn);
  const out: Record<string, number> = {};
  for (const w of wanted) {
    const candidates = [w, ...(aliases[w] ?? [])];
    const at = names.findIndex((n) => candidates.includes(n));
    if (at < 0) return null;
    out[w] = at;
  }
  return out;
}
