// Tokens, raw websockets and requests the way an attacker (or a confused client) sends them.
import jwt from 'jsonwebtoken';
import { Kafka, logLevel } from 'kafkajs';
import WebSocket from 'ws';
import type { Gateway } from '../../../src/app';
import type { Env } from '../../../src/config';
import { TOPIC_OF } from '../../../src/events/envelope';
import type { MemoryLog } from '../../../src/log/memoryLog';

export const SECRET = 'test-secret-for-the-security-suite';

export function token(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: number } = {}): string {
  return jwt.sign(claims, options.secret ?? SECRET, { algorithm: 'HS256', expiresIn: options.expiresIn ?? 600 });
}
export const bearer = (t: string) => `Bearer ${t}`;

/** Every bad credential a client can present, and why. */
export function badTokens(): Record<string, string> {
  return {
    'a malformed token': 'Bearer not.a.jwt',
    'a token signed with another key': bearer(token({ sub: 'alice' }, { secret: 'another-secret' })),
    'an expired token': bearer(token({ sub: 'alice' }, { expiresIn: -60 })),
    'a token without a subject': bearer(token({ role: 'admin' })),
    'Basic credentials instead of a bearer token': 'Basic YWxpY2U6cHc=',
    'an unsigned (alg none) admin token': `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"alice","role":"admin"}').toString('base64url')}.`,
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

export interface Closed {
  code: number;
  reason: string;
}

/** A graphql-transport-ws socket driven by hand: send frames, read messages, wait for the close. */
export class RawSocket {
  readonly messages: any[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  /** Set when the upgrade was refused (e.g. 403 for a foreign Origin). */
  refusedStatus: number | null = null;
  private readonly ws: WebSocket;
  private waiters: (() => void)[] = [];

  constructor(url: string, options: { origin?: string; headers?: Record<string, string> } = {}) {
    this.ws = new WebSocket(url, 'graphql-transport-ws', {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    this.ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
    this.ws.on('unexpected-response', (_req, res) => {
      this.refusedStatus = res.statusCode ?? null;
      res.resume();
      this.ws.terminate();
    });
    this.ws.on('error', () => {});
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', () => reject(new Error('closed before open')));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async init(payload?: Record<string, unknown>): Promise<void> {
    await this.opened;
    this.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
  }

  /** Waits for a message matching `test`; fails after `ms`. */
  async next(test: (m: any) => boolean, ms = 5000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.messages.find(test);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.messages).slice(0, 1500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** connection_init, then waits for the ack. */
  async ready(payload?: Record<string, unknown>): Promise<void> {
    await this.init(payload);
    await this.next((m) => m.type === 'connection_ack');
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.send({ id, type: 'subscribe', payload: { query, variables } });
  }

  /** The first `next` or `error` message for operation `id`. */
  result(id: string, ms?: number): Promise<any> {
    return this.next((m) => m.id === id && (m.type === 'next' || m.type === 'error'), ms);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The errors of a websocket `next` or `error` message, whichever it is. */
export function wsErrors(message: any): { message: string; extensions?: Record<string, any> }[] {
  return message.type === 'error' ? message.payload : (message.payload?.errors ?? []);
}

/** Events the embedded log holds so far, over every topic and partition. */
export function embeddedLogged(gateway: Gateway): number {
  const log = gateway.services.publisher as MemoryLog;
  let total = 0;
  for (const topic of Object.values(TOPIC_OF)) for (let p = 0; p < 3; p++) total += log.read(`${topic}/${p}`).length;
  return total;
}

/** The sum of the high watermarks of the three event topics under the env's topic prefix. */
export async function kafkaLogged(env: Env): Promise<number> {
  const admin = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of Object.values(TOPIC_OF)) {
      for (const p of await admin.fetchTopicOffsets(env.KAFKA_TOPIC_PREFIX + topic)) total += Number(p.high);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}
