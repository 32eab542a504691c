// A few thousand random and mutated requests at a running production-mode gateway on the real
// stack: the storefront contract's operations mutated, documents generated from the schema (with
// aliases, fragments, @include/@skip anywhere, subscription roots included), random JSON, broken
// GraphQL, huge strings, wrong types, unicode, nulls, random and bad tokens, odd content types,
// limit bombs, garbage websocket frames. Nothing may answer 5xx, close a socket with 4500/1011,
// show a stack or an internal path, or take over 2 s; every error carries a code; the process
// stays up with a bounded heap; and Kafka holds the events answered `accepted: true` and nothing
// else (the only slack: websocket operations whose answer was lost because the server closed
// their socket, counted separately). Bounded: about 20 s of fuzzing (FUZZ_BUDGET_MS), 2 min at most.
// Seeded: FUZZ_SEED=<n> replays the same mix of requests (their interleaving over the concurrent
// workers may differ); the seed is in the summary line and in every failure message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
  print,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { buildGatewaySchema } from '../../../src/gatewaySchema';
import type { Gateway } from '../../../src/app';
import { OPS, realStackEnv, startTestGateway } from '../../helpers/gateway';
import { SECRET, bearer, kafkaLogged, token } from './kit';
import jwt from 'jsonwebtoken';
import WebSocket from 'ws';

jest.setTimeout(120_000);

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HTTP_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const WS_FRAMES = 600;
/** The main phase stops at this time even if not every request went out (a loaded machine); at least MIN_REQUESTS must. */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 30_000);
const MIN_REQUESTS = 1000;
const WARM_UP = 150;
/** From the start of the warm-up: the HTTP phase ends here whatever (the test stays under 2 minutes). */
const HARD_STOP_MS = 85_000;
const CONCURRENCY = 6;
const HEAP_GROWTH_LIMIT_MB = 40;
/** Any answer slower than this fails the run. */
const SLOW_MS = 2000;
/** A stack frame or a path of the gateway's own files in an answer. */
// Bounded repetitions: an answer may echo a 150 KB run of word characters, and an unbounded \w+
// before a literal backtracks quadratically over it (seconds of the event loop).
const INTERNALS = /stacktrace|\n\s{1,16}at [\w.<]{1,128} \(|node_modules|\/work\/|\bsrc\/[\w/]{1,128}\.(ts|js)\b|\b\w{1,64}\.(ts|js):\d{1,6}:\d{1,6}/;

/** The storefront contract's operations, one text each (as the shared contract writes them). */
const STOREFRONT = parse(readFileSync(path.resolve(__dirname, '../../../operations/storefront.graphql'), 'utf8'))
  .definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
  .map((d) => print(d));

function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const ODD_CHARS = ['😀', 'é', '\u202e', '\u200b', '\u0000', '\ud800', '\n', '"', '\\', '{', '}', '$', '#', '…', '𝔘', 'ß', ' ', '\t', '\uffff'];

function text(r: Rng, max = 40): string {
  if (r.chance(0.03)) return 'x'.repeat(20_000 + r.int(60_000)); // huge
  let out = '';
  const n = r.int(max);
  for (let i = 0; i < n; i++) out += r.chance(0.7) ? String.fromCharCode(97 + r.int(26)) : r.pick(ODD_CHARS);
  return out;
}

/** encodeURIComponent throws on lone surrogates; a URL gets their replacement character instead. */
const uri = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));

function json(r: Rng, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 5 : 7);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1.5, 1e308, -0, 2 ** 53, -(2 ** 31) - 1, 101, 1001, 100]);
    case 3:
    case 4:
      return text(r);
    case 5:
      return Array.from({ length: r.int(4) }, () => json(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [r.pick(['userId', 'productId', 'input', 'query', 'limit', 'items', text(r, 8)]), json(r, depth + 1)]),
      );
  }
}

const QUERIES = [
  ...STOREFRONT,
  OPS.trackView,
  OPS.trackAddToCart,
  OPS.trackPurchase,
  OPS.recommendations,
  OPS.recommendationsUpdated,
  'query($category: String, $limit: Int) { trending(category: $category, limit: $limit) { score product { id name } } }',
  'query($productId: ID!, $limit: Int) { similarProducts(productId: $productId, limit: $limit) { score reason } }',
  'query($id: ID!) { product(id: $id) { id name price } }',
  '{ featureFlags { key value source } }',
  'mutation($products: [ProductInput!]!) { upsertProducts(products: $products) }',
  '{ __schema { types { name } } }',
];

function validVariables(r: Rng, user: string): Record<string, unknown> {
  return {
    input: r.pick([
      { userId: user, productId: `p-${r.int(20)}` },
      { userId: user, productId: `p-${r.int(20)}`, quantity: 1 + r.int(3) },
      { userId: user, orderId: `o-${r.int(1000)}`, items: [{ productId: `p-${r.int(20)}`, quantity: 1, price: 9.5 }] },
    ]),
    userId: user,
    limit: 1 + r.int(100),
    productId: `p-${r.int(20)}`,
    id: `p-${r.int(20)}`,
    category: null,
    products: [{ id: `p-${r.int(20)}`, name: text(r, 10) || 'n' }],
  };
}

function mutateText(r: Rng, source: string): string {
  let s = source;
  for (let k = 1 + r.int(3); k > 0; k--) {
    const at = r.int(s.length + 1);
    switch (r.int(6)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + 1 + r.int(8));
        break;
      case 1:
        s = s.slice(0, at) + r.pick(['{', '}', '(', ')', '$', '...', '@skip(if: true)', ' a: ', '"', '#', '!', '[', ']', text(r, 6)]) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at, at + r.int(30)).repeat(2 + r.int(3)) + s.slice(at);
        break;
      case 3:
        s = s.slice(0, at);
        break;
      case 4:
        s = s.replace(/\b(userId|productId|limit|input|trending|items)\b/, () => r.pick(['__schema', '__type', 'userID', 'lmit', text(r, 5)]));
        break;
      default:
        s = s.slice(0, at) + r.pick(ODD_CHARS) + s.slice(at);
    }
  }
  return s;
}

function mutateValue(r: Rng, value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return r.chance(0.3) ? json(r) : value;
  if (Array.isArray(value)) return r.chance(0.2) ? json(r) : value.map((v) => mutateValue(r, v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (r.chance(0.1)) continue;
    out[r.chance(0.05) ? text(r, 6) : k] = r.chance(0.25) ? json(r) : mutateValue(r, v, depth + 1);
  }
  return out;
}

const SCHEMA = buildGatewaySchema();

/** A random value for an input type: mostly well-typed, sometimes not. */
function inputValue(r: Rng, type: GraphQLInputType, user: string, depth = 0): unknown {
  if (r.chance(0.05)) return json(r);
  if (isNonNullType(type)) return inputValue(r, type.ofType, user, depth);
  if (r.chance(0.08)) return null;
  if (isListType(type)) return depth > 2 ? [] : Array.from({ length: r.int(3) }, () => inputValue(r, type.ofType, user, depth + 1));
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter(() => r.chance(0.85))
        .map((f) => [f.name, inputValue(r, f.type, user, depth + 1)]),
    );
  }
  if (isEnumType(type)) return r.pick(type.getValues()).name;
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return r.pick([1, 5, 10, 100, 0, -1, 101, 2 ** 31]);
      case 'Float':
        return r.pick([1.5, 0, -3, 1e9]);
      case 'Boolean':
        return r.chance(0.5);
      case 'ID':
        return r.pick([user, `p-${r.int(20)}`, 'bob', text(r, 6)]);
      case 'DateTime':
        return r.pick([new Date().toISOString(), '2020-01-01T00:00:00Z', 'yesterday']);
      default:
        return text(r, 12);
    }
  }
  return json(r);
}

/** A GraphQL literal for an argument (used where the document does not take a variable). */
function literal(r: Rng, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => literal(r, v)).join(', ')}]`;
  if (typeof value === 'object')
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${literal(r, v)}`)
      .join(', ')} }`;
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return String(value);
}

/**
 * A document generated from the schema: 1-4 root fields (aliased or not), arguments as literals
 * or variables, @include/@skip anywhere (root fields of subscriptions too), named and inline
 * fragments, repeated same-named fields, nesting up to ten levels; and variables to go with it.
 */
function generatedOperation(r: Rng, user: string): { query: string; variables: Record<string, unknown> } {
  const kind = r.pick(['query', 'query', 'query', 'mutation', 'subscription'] as const);
  const root = kind === 'query' ? SCHEMA.getQueryType()! : kind === 'mutation' ? SCHEMA.getMutationType()! : SCHEMA.getSubscriptionType()!;
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const fragments: string[] = [];
  let nextVar = 0;
  const directive = () => {
    if (!r.chance(0.15)) return '';
    const name = r.pick(['include', 'skip']);
    if (r.chance(0.5)) return ` @${name}(if: ${r.chance(0.5)})`;
    const v = `b${nextVar++}`;
    definitions.push(`$${v}: Boolean${r.chance(0.7) ? '!' : ''}${r.chance(0.2) ? ` = ${r.chance(0.5)}` : ''}`);
    if (r.chance(0.85)) variables[v] = r.chance(0.9) ? r.chance(0.5) : json(r);
    return ` @${name}(if: $${v})`;
  };
  const args = (field: GraphQLField<unknown, unknown>) => {
    const parts: string[] = [];
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && r.chance(0.4)) continue;
      if (r.chance(0.5)) {
        const v = `v${nextVar++}`;
        definitions.push(`$${v}: ${String(arg.type)}${r.chance(0.15) && !isNonNullType(arg.type) ? ` = ${literal(r, inputValue(r, arg.type, user))}` : ''}`);
        if (r.chance(0.85)) variables[v] = inputValue(r, arg.type, user);
        parts.push(`${arg.name}: $${v}`);
      } else parts.push(`${arg.name}: ${literal(r, inputValue(r, arg.type, user))}`);
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  };
  const selection = (type: GraphQLObjectType, depth: number): string => {
    const fields = Object.values(type.getFields());
    const out: string[] = [];
    for (let i = 1 + r.int(depth === 0 ? 3 : 5); i > 0; i--) {
      const field = r.pick(fields);
      const named = getNamedType(field.type);
      const alias = r.chance(0.15) ? `a${r.int(20)}: ` : '';
      const sub = isObjectType(named) ? (depth > 9 || r.chance(0.03) ? '' : ` { ${selection(named, depth + 1)} }`) : r.chance(0.02) ? ' { id }' : '';
      out.push(`${alias}${field.name}${args(field)}${directive()}${sub}`);
      if (r.chance(0.05)) out.push(out[out.length - 1]!); // the same field again
    }
    if (r.chance(0.1)) out.push(`... on ${type.name}${directive()} { __typename }`);
    if (depth > 0 && r.chance(0.1)) {
      const name = `F${fragments.length}`;
      fragments.push(`fragment ${name} on ${type.name} { ${selection(type, depth + 3)} }`);
      out.push(`...${name}`);
    }
    return out.join(' ');
  };
  const body =
    kind === 'subscription' && r.chance(0.5)
      ? (() => {
          const field = r.pick(Object.values(root.getFields()));
          return `${field.name}${args(field)}${directive()} { ${selection(getNamedType(field.type) as GraphQLObjectType, 1)} }`;
        })()
      : selection(root, 0);
  const head = `${kind}${r.chance(0.5) ? ` Op${r.int(100)}` : ''}${definitions.length ? `(${definitions.join(', ')})` : ''}`;
  return { query: `${head} { ${body} } ${fragments.join(' ')}`, variables };
}

const bombs = [
  () => `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: trending(limit: 100) { score }`).join(' ')} }`,
  () => `{ __type(name: "Query") { ${'fields { type { '.repeat(12)} name ${'} } '.repeat(12)} } }`,
  () =>
    `query { trending { ...F0 } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on ScoredProduct { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F20 on ScoredProduct { score }`,
  () => `{ ${'__typename '.repeat(5000)} }`,
  () => `query __schema { recommendations(userId: "alice", limit: 100) { items { product { id name category price inStock imageUrl } } } }`,
  () => `${'{'.repeat(3000)}${'}'.repeat(3000)}`,
  () => `{ trending(limit: ${'9'.repeat(400)}) { score } }`,
  () => `query(${Array.from({ length: 300 }, (_, i) => `$v${i}: Int`).join(', ')}) { __typename }`,
  // issue 13: validation amplification, and a subscription root graphql-js cannot subscribe to
  () => `{ trending(limit: 1) { ${'product { id } '.repeat(400)}} }`,
  () => 'subscription S($v: Boolean!) { recommendationsUpdated(userId: "alice") @include(if: $v) { userId } }',
  () => `query Q($l: Int = 100) { ${Array.from({ length: 6 }, (_, i) => `t${i}: trending(limit: $l) { score product { id name } }`).join(' ')} }`,
];

interface Tally {
  requests: number;
  /** Websocket subscribe frames sent, and those answered (next or error). */
  wsOperations: number;
  wsAnswered: number;
  wsCloses: Record<number, number>;
  slowestHttpMs: number;
  slowestWsMs: number;
  /** Answers over SLOW_MS, replayed alone after the run (a shared machine's load can stall any one). */
  slow: { where: string; target: string; method: string; headers: Record<string, string>; body: string | undefined; ms: number }[];
  slowWs: { payload: unknown; ms: number }[];
  accepted: number;
  /** Websocket track operations whose answer never came (the server closed the socket first): they may or may not have been written. */
  unansweredTracks: number;
  msByKind: Record<number, number>;
  byStatus: Record<number, number>;
  problems: string[];
}

/** Counts `accepted: true` anywhere in a result (aliased track mutations included). */
function countAccepted(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countAccepted(v), 0);
  const record = value as Record<string, unknown>;
  return (record.accepted === true ? 1 : 0) + Object.values(record).reduce((n: number, v) => n + countAccepted(v), 0);
}

function checkErrors(errors: unknown, where: string, tally: Tally): void {
  if (errors === undefined) return;
  if (!Array.isArray(errors)) return void tally.problems.push(`${where}: errors is not a list`);
  for (const e of errors) {
    if (typeof e?.extensions?.code !== 'string') tally.problems.push(`${where}: an error without extensions.code: ${JSON.stringify(e).slice(0, 300)}`);
  }
}

async function httpRequest(r: Rng, url: string, tokens: Record<string, string>, tally: Tally): Promise<void> {
  const kind = r.int(12);
  let method = 'POST';
  let target = url;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let body: string | undefined;
  const query = r.pick(QUERIES);
  const vars = validVariables(r, 'alice');
  headers.authorization = tokens.alice!;
  switch (kind) {
    case 0:
      body = JSON.stringify(json(r));
      break;
    case 1:
      body = r.pick([
        '{',
        '{"query":',
        'null',
        '[]',
        '"x"',
        '\u0000',
        text(r, 200),
        '{"query": "{ __typename }", "variables": "x"}',
        '{"query": 5}',
        '{"query": "{ __typename }", "operationName": 7}',
        '{"query":"{ __typename }","extensions":[1]}',
      ]);
      break;
    case 2:
      body = JSON.stringify({ query, variables: vars });
      break;
    case 3:
      body = JSON.stringify({ query, variables: mutateValue(r, vars) });
      break;
    case 4:
      body = JSON.stringify({ query: mutateText(r, query), variables: r.chance(0.5) ? vars : mutateValue(r, vars) });
      break;
    case 5:
      headers.authorization = r.pick(Object.values(tokens));
      if (r.chance(0.2)) delete headers.authorization;
      body = JSON.stringify({ query, variables: r.chance(0.5) ? vars : validVariables(r, 'bob') });
      break;
    case 6:
      body = JSON.stringify({
        query: r.chance(0.5) ? `{ product(id: "${'y'.repeat(60_000 + r.int(90_000))}") { id } }` : query,
        variables: { ...vars, pad: 'z'.repeat(r.int(150_000)) },
      });
      break;
    case 7:
      headers['content-type'] = r.pick([
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'application/json; charset=utf-16',
        'application/graphql',
        '',
        'application/json; charset=bogus',
      ]);
      method = r.pick(['POST', 'GET', 'PUT', 'DELETE', 'PATCH']);
      if (method === 'GET') target = `${url}?query=${uri(mutateText(r, query))}&variables=${uri(text(r, 30))}`;
      else body = JSON.stringify({ query, variables: vars });
      if (r.chance(0.1)) target = url.replace('/graphql', r.pick(['/graphql/x', '/%ff', '/graphql?%zz', '/healthz', '/..%2f..%2fetc/passwd', '/metrics']));
      break;
    case 8:
      body = JSON.stringify({ query: r.pick(bombs)(), variables: r.chance(0.5) ? {} : { v: r.chance(0.5), l: r.pick([null, 100]) } });
      break;
    case 10: {
      const generated = generatedOperation(r, 'alice');
      headers.authorization = r.pick(Object.values(tokens));
      body = JSON.stringify({ query: r.chance(0.2) ? mutateText(r, generated.query) : generated.query, variables: generated.variables });
      break;
    }
    case 11:
      body = JSON.stringify({ query: mutateText(r, r.pick(STOREFRONT)), variables: r.chance(0.5) ? vars : mutateValue(r, vars) });
      break;
    default:
      body = JSON.stringify({ query, variables: vars, operationName: r.pick([null, 'TrackView', text(r, 10)]) });
  }
  if (headers['content-type'] === '') delete headers['content-type'];
  const where = `seed ${SEED}, request kind ${kind}, ${method} ${target.slice(0, 80)}`;
  tally.requests++;
  const t0 = performance.now();
  let res: Response;
  try {
    res = await fetch(target, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    tally.problems.push(`${where}: no answer (${(err as Error).message})`);
    return;
  }
  const textBody = await res.text();
  const ms = performance.now() - t0;
  tally.msByKind[kind] = Math.round((tally.msByKind[kind] ?? 0) + ms);
  tally.slowestHttpMs = Math.max(tally.slowestHttpMs, ms);
  if (ms > SLOW_MS) tally.slow.push({ where, target, method, headers, body, ms });
  tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
  if (res.status >= 500) tally.problems.push(`${where}: HTTP ${res.status}: ${textBody.slice(0, 300)}`);
  if (INTERNALS.test(textBody)) tally.problems.push(`${where}: a stack trace or internal path in the answer: ${textBody.slice(0, 300)}`);
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    let parsed: any;
    try {
      parsed = JSON.parse(textBody);
    } catch {
      tally.problems.push(`${where}: JSON content type but not JSON: ${textBody.slice(0, 200)}`);
      return;
    }
    checkErrors(parsed?.errors, where, tally);
    tally.accepted += countAccepted(parsed?.data);
  }
}

/** Random frames over a few websockets; reconnects whenever the server closes one. */
async function websocketFuzz(r: Rng, wsUrl: string, tokens: Record<string, string>, tally: Tally, deadline: number): Promise<void> {
  let sent = 0;
  let refusedInARow = 0;
  while (sent < WS_FRAMES && Date.now() < deadline) {
    if (refusedInARow >= 5) return void tally.problems.push(`seed ${SEED}, websocket: the gateway stopped accepting connections`);
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    const pending = new Map<string, boolean>(); // operation id -> is a track mutation
    const sentAt = new Map<string, number>(); // operation id -> when its subscribe went out
    const sentPayload = new Map<string, unknown>();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.on('message', (data) => {
      let message: any;
      try {
        message = JSON.parse(String(data));
      } catch {
        return void tally.problems.push(`seed ${SEED}, websocket: a message that is not JSON`);
      }
      if (typeof message.id === 'string' && ['next', 'error', 'complete'].includes(message.type)) pending.delete(message.id);
      const at = typeof message.id === 'string' ? sentAt.get(message.id) : undefined;
      if (at !== undefined && (message.type === 'next' || message.type === 'error')) {
        sentAt.delete(message.id);
        const ms = performance.now() - at;
        tally.wsAnswered++;
        tally.slowestWsMs = Math.max(tally.slowestWsMs, ms);
        if (ms > SLOW_MS) tally.slowWs.push({ payload: sentPayload.get(message.id), ms });
      }
      if (INTERNALS.test(String(data))) tally.problems.push(`seed ${SEED}, websocket: a stack trace or internal path: ${String(data).slice(0, 300)}`);
      if (message.type === 'next') {
        checkErrors(message.payload?.errors, `seed ${SEED}, websocket next`, tally);
        tally.accepted += countAccepted(message.payload?.data);
      }
      if (message.type === 'error') checkErrors(message.payload, `seed ${SEED}, websocket error`, tally);
    });
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('close', () => resolve(false));
    });
    if (!opened) {
      refusedInARow++;
      continue;
    }
    refusedInARow = 0;
    // Most sockets start the way a client does, so their operations get answered.
    if (r.chance(0.8)) {
      ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: r.chance(0.8) ? tokens.alice : r.pick(Object.values(tokens)) } }));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          ws.off('message', onMessage);
          ws.off('close', done);
          resolve();
        };
        const onMessage = (data: unknown) => {
          if (String(data).includes('connection_ack')) done();
        };
        const timer = setTimeout(done, 3000);
        ws.on('message', onMessage);
        ws.once('close', done);
      });
    }
    const frames = 5 + r.int(40);
    for (let i = 0; i < frames && ws.readyState === WebSocket.OPEN; i++, sent++) {
      const id = r.chance(0.8) ? `op${i}` : text(r, 5);
      // Frames that end the socket (a second init, unreadable or oversized ones) one time in ten,
      // so most sockets live long enough to run operations side by side.
      const frame = (
        r.chance(0.1)
          ? r.pick<() => unknown>([
              () => ({ type: 'connection_init', payload: { authorization: r.pick(Object.values(tokens)) } }),
              () => ({ type: 'connection_init', payload: r.chance(0.5) ? json(r) : { authorization: tokens.alice } }),
              () => ({ type: r.pick(['pong', 'next', text(r, 6)]), payload: json(r) }),
              () => json(r),
              () => text(r, 100),
              () => 'w'.repeat(70_000),
            ])
          : r.pick<() => unknown>([
              () => ({ id, type: 'subscribe', payload: { query: r.pick(QUERIES), variables: validVariables(r, 'alice') } }),
              () => ({ id, type: 'subscribe', payload: { query: mutateText(r, r.pick(QUERIES)), variables: mutateValue(r, validVariables(r, 'alice')) } }),
              () => ({ id, type: 'subscribe', payload: { query: r.pick(bombs)(), variables: { v: r.chance(0.5), l: r.pick([null, 100]) } } }),
              () => ({ id, type: 'subscribe', payload: generatedOperation(r, 'alice') }),
              () => ({ id, type: 'subscribe', payload: generatedOperation(r, 'alice') }),
              () => ({ id, type: 'subscribe', payload: { query: mutateText(r, r.pick(STOREFRONT)), variables: mutateValue(r, validVariables(r, 'alice')) } }),
              () => ({ type: 'ping', ...(r.chance(0.3) ? { payload: json(r) } : {}) }),
              () => ({ id: `op${r.int(i + 1)}`, type: 'complete' }),
            ])
      )();
      const f = frame as { type?: unknown; id?: unknown; payload?: { query?: unknown } };
      if (f?.type === 'subscribe' && typeof f.id === 'string') {
        pending.set(f.id, /track/i.test(String(f.payload?.query)));
        if (!sentAt.has(f.id)) {
          sentAt.set(f.id, performance.now());
          sentPayload.set(f.id, f.payload);
        }
        tally.wsOperations++;
      }
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      await new Promise((resolve) => setTimeout(resolve, r.int(3)));
    }
    // Let the answers of the operations still running arrive before saying goodbye.
    for (let waited = 0; [...pending.values()].some(Boolean) && ws.readyState === WebSocket.OPEN && waited < 1000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    const code = await closed;
    tally.wsCloses[code] = (tally.wsCloses[code] ?? 0) + 1;
    tally.unansweredTracks += [...pending.values()].filter(Boolean).length;
    if (code === 4500 || code === 1011) tally.problems.push(`seed ${SEED}, websocket: closed with ${code} (an internal error)`);
  }
}

/** The same document with a new comment: no cache (Apollo's, the validation or cost cache) has seen it. */
function freshText(body: string | undefined, n: number): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '');
    if (typeof parsed?.query === 'string') return JSON.stringify({ ...parsed, query: `${parsed.query}\n# replay ${n}` });
  } catch {
    /* not JSON: sent as it was */
  }
  return body;
}

/**
 * Answers that took over SLOW_MS during the run, sent again one at a time (with fresh texts).
 * Under a shared machine's load any answer can stall; one that is slow on its own is a finding.
 */
async function replaySlow(tally: Tally, wsUrl: string, alice: string): Promise<string[]> {
  const found: string[] = [];
  for (const [n, slow] of tally.slow.slice(0, 20).entries()) {
    const t0 = performance.now();
    await (await fetch(slow.target, { method: slow.method, headers: slow.headers, body: slow.method === 'GET' ? undefined : freshText(slow.body, n) })).text();
    const ms = performance.now() - t0;
    if (ms > SLOW_MS)
      found.push(
        `${slow.where}: answered in ${Math.round(slow.ms)} ms during the run and ${Math.round(ms)} ms alone (over ${SLOW_MS}): ${String(slow.body).slice(0, 200)}`,
      );
  }
  for (const [n, slow] of tally.slowWs.slice(0, 10).entries()) {
    const payload = slow.payload as { query?: unknown } | undefined;
    const query = typeof payload?.query === 'string' ? `${payload.query}\n# replay ${n}` : payload?.query;
    const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
    ws.on('error', () => {});
    const ms = await new Promise<number>((resolve) => {
      let t0 = 0;
      const timer = setTimeout(() => resolve(Infinity), 10_000);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: alice } })));
      ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.type === 'connection_ack') {
          t0 = performance.now();
          ws.send(JSON.stringify({ id: 'replay', type: 'subscribe', payload: { ...payload, query } }));
        } else if (m.id === 'replay' && (m.type === 'next' || m.type === 'error')) {
          clearTimeout(timer);
          resolve(performance.now() - t0);
        }
      });
      ws.once('close', () => {
        clearTimeout(timer);
        resolve(t0 ? performance.now() - t0 : 0);
      });
    });
    ws.terminate();
    if (ms > SLOW_MS)
      found.push(
        `seed ${SEED}, websocket: an operation answered in ${Math.round(slow.ms)} ms during the run and ${Math.round(ms)} ms alone: ${JSON.stringify(payload).slice(0, 200)}`,
      );
  }
  return found.map((line) => (line.startsWith('seed') ? line : `seed ${SEED}: ${line}`));
}

function heapMB(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

describe('fuzzing a running production-mode gateway', () => {
  let gateway: Gateway;
  const env = { ...realStackEnv(), NODE_ENV: 'production', RECSYS_JWT_SECRET: SECRET, RECSYS_ALLOWED_ORIGINS: 'https://shop.example.com' };

  beforeAll(async () => {
    gateway = await startTestGateway(env);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('thousands of random and mutated requests: no 5xx, no stack, every error coded, bounded heap, nothing refused reaches Kafka', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const r = rng(SEED);
    const tokens = {
      alice: bearer(token({ sub: 'alice' })),
      bob: bearer(token({ sub: 'bob' })),
      admin: bearer(token({ sub: 'ops', role: 'admin' })),
      expired: bearer(token({ sub: 'alice' }, { expiresIn: -10 })),
      forged: bearer(token({ sub: 'alice', role: 'admin' }, { secret: 'guess' })),
      noExpiry: bearer(jwt.sign({ sub: 'alice' }, SECRET, { algorithm: 'HS256' })),
      longLived: bearer(token({ sub: 'alice' }, { expiresIn: 30 * 24 * 3600 })),
      random: bearer(token({ sub: text(r, 8) || 'x', role: r.pick(['admin', 'user', '', 7]) })),
      junk: `Bearer ${Array.from({ length: 40 }, () => String.fromCharCode(33 + r.int(94))).join('')}`, // fetch sends printable ASCII headers only
    };
    const tally: Tally = {
      requests: 0,
      wsOperations: 0,
      wsAnswered: 0,
      wsCloses: {},
      slowestHttpMs: 0,
      slowestWsMs: 0,
      slow: [],
      slowWs: [],
      accepted: 0,
      unansweredTracks: 0,
      msByKind: {},
      byStatus: {},
      problems: [],
    };
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => crashes.push(err);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    const consoleErrors: string[] = [];
    const consoleSpy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void consoleErrors.push(args.map(String).join(' ')));
    const started = Date.now();
    try {
      const runHttp = async (count: number, deadline = Infinity) => {
        let left = count;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            // Past the budget only while fewer than MIN_REQUESTS went out, and never past HARD_STOP_MS.
            while (left-- > 0 && (Date.now() < deadline || (tally.requests < MIN_REQUESTS && Date.now() < hardStop))) {
              try {
                await httpRequest(r, gateway.url, tokens, tally);
              } catch (err) {
                tally.problems.push(`seed ${SEED}: the fuzzer itself failed: ${(err as Error).stack}`);
              }
            }
          }),
        );
      };
      const hardStop = Date.now() + HARD_STOP_MS;
      await runHttp(WARM_UP); // warm-up: caches, JIT, connections
      const heapBefore = heapMB(gc);
      const deadline = Date.now() + BUDGET_MS;
      await Promise.all([runHttp(HTTP_REQUESTS - WARM_UP, deadline), websocketFuzz(r, gateway.wsUrl, tokens, tally, deadline)]);
      const heapAfter = heapMB(gc);
      tally.problems.push(...(await replaySlow(tally, gateway.wsUrl, tokens.alice)));

      const summary =
        `seed ${SEED}: ${tally.requests} HTTP requests and ${tally.wsOperations} websocket operations (${tally.wsAnswered} answered) in ${Date.now() - started} ms; ` +
        `HTTP statuses ${JSON.stringify(tally.byStatus)}; websocket closes ${JSON.stringify(tally.wsCloses)}; slowest answer HTTP ${Math.round(tally.slowestHttpMs)} ms, websocket ${Math.round(tally.slowestWsMs)} ms ` +
        `(${tally.slow.length + tally.slowWs.length} over ${SLOW_MS} ms during the run, replayed alone); ` +
        `${tally.accepted} accepted, ${tally.unansweredTracks} websocket track operations unanswered; ms by kind ${JSON.stringify(tally.msByKind)}; heap ${heapBefore.toFixed(1)} -> ${heapAfter.toFixed(1)} MB`;
      process.stderr.write(`  fuzz: ${summary}\n`);
      expect({ summary, problems: tally.problems.slice(0, 20) }).toEqual({ summary, problems: [] });
      expect({ summary, crashes }).toEqual({ summary, crashes: [] });
      // graphql-ws logs a client's oversized frame with console.error; anything else there means our hooks threw.
      expect(consoleErrors.filter((line) => !/Max payload size exceeded/.test(line))).toEqual([]);
      expect(heapAfter - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
      expect(tally.requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
      expect(tally.accepted).toBeGreaterThan(0); // the fuzz did reach Kafka with the valid requests it mixed in

      // The process is still up and serving.
      expect((await fetch(gateway.url.replace('/graphql', '/healthz'))).status).toBe(200);
      const after = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: tokens.alice },
        body: JSON.stringify({ query: OPS.trackView, variables: { input: { userId: 'alice', productId: 'p-final' } } }),
      });
      const accepted = tally.accepted + countAccepted(((await after.json()) as { data?: unknown }).data);

      // Kafka holds what was answered accepted (acks=all comes before the answer), and nothing more
      // than the websocket operations whose answer was lost when the server closed their socket.
      const inKafka = await kafkaLogged(env);
      expect({ summary, inKafka, atLeast: inKafka >= accepted, atMost: inKafka <= accepted + tally.unansweredTracks }).toEqual({
        summary,
        inKafka,
        atLeast: true,
        atMost: true,
      });
    } finally {
      consoleSpy.mockRestore();
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
    }
  });
});
