// The field caps bound graphql-js's validation: what a document under the default limits can cost
// (adversarial shapes and random ones, the figure printed), and documents over them refused before
// the expensive rules run. Times are the best of several runs (CPU work, not the machine's load),
// compared with the unbounded 400-field document measured in the same run.
import { GraphQLError, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { loadSecurityConfig } from '../../../src/config';
import { buildGatewaySchema } from '../../../src/gatewaySchema';
import { countFields, securityValidationRules } from '../../../src/server/security';
import { DocumentCache } from '../../../src/server/security/documentCache';

const schema = buildGatewaySchema();
const DEFAULTS = loadSecurityConfig({}, true);
const RULES = [...specifiedRules, ...securityValidationRules({ ...DEFAULTS, introspection: false })];
const P = DEFAULTS.maxFieldsPerSelection;
const T = DEFAULTS.maxFields;
const rep = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');
const FOUR_HUNDRED = `{ trending(limit: 1) { ${'product { id } '.repeat(400)}} }`;

function bestMs(query: string, rules: readonly ValidationRule[] = RULES, runs = 5): { ms: number; errors: readonly GraphQLError[] } {
  let ms = Infinity;
  let errors: readonly GraphQLError[] = [];
  for (let i = 0; i < runs; i++) {
    const document = parse(query, { maxTokens: DEFAULTS.maxTokens });
    const t0 = performance.now();
    errors = validate(schema, document, rules);
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, errors };
}

/** Seeded random documents: nested list and product selections, repeated names, aliases, fragments. */
function randomDocument(seed: number): string {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const int = (n: number) => Math.floor(next() * n);
  const product = (max: number) => rep(1 + int(max), () => ['id', 'name', 'category', 'price', 'inStock', '__typename'][int(6)]!);
  const scored = () => rep(1 + int(4), () => (next() < 0.5 ? `product { ${product(P / 4)} }` : next() < 0.5 ? 'score' : '...F'));
  const roots = rep(1 + int(10), (i) => `a${i}: trending(limit: ${1 + int(100)}) { ${scored()} }`);
  return `{ ${roots} } fragment F on ScoredProduct { score product { ${product(4)} } }`;
}

const ADVERSARIAL: Record<string, string> = {
  [`aliased lists of ${P} same-named product { id }`]: `{ ${rep(Math.min(15, Math.floor(T / (2 * P + 1))), (i) => `t${i}: trending(limit: 1) { ${rep(P, () => 'product { id }')} }`)} }`,
  [`aliased lists of ${P} same-named scalars`]: `{ ${rep(Math.min(15, Math.floor(T / (P + 1))), (i) => `t${i}: trending(limit: 1) { ${rep(P, () => 'score')} }`)} }`,
  'a fragment of P fields spread in every list': `{ ${rep(Math.min(15, Math.floor(T / (2 * P + 2))), (i) => `t${i}: trending(limit: 1) { ...F }`)} } fragment F on ScoredProduct { ${rep(P / 2, () => 'product { id }')} }`,
  'merged product sets across same-named lists': `{ ${rep(4, () => `trending(limit: 1) { ${rep(P / 4, () => 'product { id name }')} }`)} }`,
};

describe('validation cost under the field caps', () => {
  test('no document under the default limits validates in more than a fifth of the unbounded 400-field document; the figure is printed', () => {
    let unbounded = bestMs(FOUR_HUNDRED, specifiedRules, 3).ms;
    const rows: { name: string; ms: number; counts: string }[] = [];
    const candidates = { ...ADVERSARIAL, ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`random #${i}`, randomDocument(1000 + i)])) };
    for (const [name, query] of Object.entries(candidates)) {
      const { ms, errors } = bestMs(query);
      const counts = countFields(parse(query));
      // Only documents the caps let through count: they are what graphql-js fully validates.
      if (errors.some((e) => e.extensions.limit === 'fields' || e.extensions.limit === 'fieldsPerSelection')) continue;
      rows.push({ name, ms, counts: `${counts.perSelection}/${counts.total}` });
    }
    rows.sort((a, b) => b.ms - a.ms);
    // A loaded machine can stretch every one of a few runs: the three slowest get many more, so
    // their best is the CPU work, and the unbounded document is measured again as often.
    for (const r of rows.slice(0, 3)) r.ms = Math.min(r.ms, bestMs(candidates[r.name]!, RULES, 25).ms);
    unbounded = Math.min(unbounded, bestMs(FOUR_HUNDRED, specifiedRules, 8).ms);
    rows.sort((a, b) => b.ms - a.ms);
    const worst = rows[0]!;
    process.stderr.write(
      `  validation: worst under the limits (${P} per merged set, ${T} in all) ${worst.ms.toFixed(2)} ms (${worst.name}, fields ${worst.counts}); ` +
        `${rows.length} documents measured; the 400-field document without the caps ${unbounded.toFixed(1)} ms\n`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(20); // most candidates are under the caps: the figure is about them
    expect(worst.ms).toBeLessThan(unbounded / 5);
  });

  test('the 400-field document is refused by the caps before graphql-js compares its fields', () => {
    const capped = bestMs(FOUR_HUNDRED);
    expect(capped.errors.map((e) => e.extensions.limit)).toEqual(['fields']);
    const unbounded = bestMs(FOUR_HUNDRED, specifiedRules, 3);
    process.stderr.write(`  validation: the 400-field document ${capped.ms.toFixed(2)} ms with the caps, ${unbounded.ms.toFixed(1)} ms without\n`);
    expect(capped.ms).toBeLessThan(unbounded.ms / 10);
  });

  test('same-named fields are counted as graphql-js compares them: their sub-selections form one merged set', () => {
    const merged = `{ ${rep(3, () => `trending(limit: 1) { ${rep(8, () => 'product { id }')} }`)} }`; // 24 product fields merged
    expect(countFields(parse(merged))).toEqual({ perSelection: 24, total: 3 + 24 * 2 });
    expect(bestMs(merged, RULES, 1).errors.map((e) => e.extensions.limit)).toEqual(['fieldsPerSelection']);
    const aliased = `{ ${rep(3, (i) => `t${i}: trending(limit: 1) { ${rep(8, () => 'product { id }')} }`)} }`; // three sets of 8
    expect(countFields(parse(aliased)).perSelection).toBe(8);
    expect(bestMs(aliased, RULES, 1).errors).toEqual([]);
  });

  test('fragments count where they are spread, and a fan-out or a cycle stops the count at the cap', () => {
    const fanOut = `{ trending { ...F0 } } ${rep(20, (i) => `fragment F${i} on ScoredProduct { ...F${i + 1} ...F${i + 1} }`)} fragment F20 on ScoredProduct { score }`;
    const t0 = performance.now();
    expect(countFields(parse(fanOut), T).total).toBeLessThanOrEqual(T + 1);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(bestMs(fanOut, RULES, 1).errors.map((e) => e.extensions.limit)).toEqual(['fields']);
    const cycle = '{ trending { ...A } } fragment A on ScoredProduct { product { id } ...B } fragment B on ScoredProduct { score ...A }';
    expect(() => validate(schema, parse(cycle), RULES)).not.toThrow();
  });

  test('a subscription whose root field has @include/@skip is refused, through fragments too, and validation does not throw', () => {
    for (const query of [
      'subscription S($v: Boolean!) { recommendationsUpdated(userId: "u") @include(if: $v) { userId } }',
      'subscription { recommendationsUpdated(userId: "u") @skip(if: false) { userId } }',
      'subscription { ...R } fragment R on Subscription { recommendationsUpdated(userId: "u") @skip(if: true) { userId } }',
      'subscription { ... @include(if: true) { recommendationsUpdated(userId: "u") { userId } } }',
    ]) {
      const errors = validate(schema, parse(query), RULES);
      expect({ query, messages: errors.map((e) => e.message) }).toEqual({
        query,
        messages: [expect.stringMatching(/subscription cannot choose its root field/)],
      });
    }
    expect(validate(schema, parse('subscription { recommendationsUpdated(userId: "u") { items @include(if: true) { score } } }'), RULES)).toEqual([]);
  });
});

describe('refusals remembered per text', () => {
  test('a text refused before gets the same errors again without the other rules running', () => {
    const known = new DocumentCache();
    const rules = [...specifiedRules, ...securityValidationRules({ ...DEFAULTS, introspection: false }, known)];
    const text = '{ trending(limit: 1) { score } }'; // valid: only the remembered refusal can refuse it
    expect(validate(schema, parse(text), rules)).toEqual([]);
    const remembered = [new GraphQLError('remembered refusal', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })];
    known.set(text, remembered);
    expect(validate(schema, parse(text), rules).map((e) => e.message)).toEqual(['remembered refusal']);
    expect(validate(schema, parse(`${text} `), rules)).toEqual([]); // another text is validated
  });
});
