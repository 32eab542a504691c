import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_SESSION, assignSessions, detectFormat, parseFile, parseLines } from '../../../src/eval/parsers';
import type { EvalEvent } from '../../../src/eval/types';

describe('session-rec prepared files', () => {
  it('reads SessionId/ItemId/Time rows as views with the time in milliseconds', () => {
    const { events, report } = parseLines('session-rec', ['SessionId\tItemId\tTime', '1\t10\t1396437466.94', '1\t11\t1396437500']);
    expect(events).toEqual([
      { sessionId: '1', userId: '1', itemId: '10', ts: 1396437466940, type: 'view' },
      { sessionId: '1', userId: '1', itemId: '11', ts: 1396437500000, type: 'view' },
    ]);
    expect(report.badRows).toBe(0);
  });

  it('maps columns by header name, whatever their order', () => {
    const { events } = parseLines('session-rec', ['Time\tItemId\tSessionId', '100\t7\t3']);
    expect(events[0]).toMatchObject({ sessionId: '3', itemId: '7', ts: 100000 });
  });

  it('counts bad rows by reason and keeps going', () => {
    const { events, report } = parseLines('session-rec', ['SessionId\tItemId\tTime', '1\t10', '\t10\t5', '1\t\t5', '1\t10\tyesterday', '2\t20\t6']);
    expect(events.map((e) => e.itemId)).toEqual(['20']);
    expect(report.toJSON().badByReason).toEqual({
      'too few columns': 1,
      'missing session id': 1,
      'missing item id': 1,
      'time is not a number': 1,
    });
    expect(report.badExamples.get('too few columns')?.[0]).toEqual({ line: 2, text: '1\t10' });
  });

  it('assumes the standard column order when the header is missing, and says so', () => {
    const { events, report } = parseLines('session-rec', ['5\t50\t1']);
    expect(events[0]).toMatchObject({ sessionId: '5', itemId: '50', ts: 1000 });
    expect(report.notes.join()).toMatch(/no SessionId\/ItemId\/Time header/);
  });
});

describe('Diginetica train-item-views', () => {
  it('dates each view at eventdate 00:00 UTC plus timeframe, and names anonymous users by session', () => {
    const { events } = parseLines('diginetica', ['session_id;user_id;item_id;timeframe;eventdate', '1;NA;81766;526309;2016-05-09', '2;77;5;10;2016-05-10']);
    expect(events).toEqual([
      { sessionId: '1', userId: 'anon:1', itemId: '81766', ts: Date.parse('2016-05-09T00:00:00Z') + 526309, type: 'view' },
      { sessionId: '2', userId: '77', itemId: '5', ts: Date.parse('2016-05-10T00:00:00Z') + 10, type: 'view' },
    ]);
  });

  it('accepts the original camelCase header of the CIKM Cup file', () => {
    const { events, report } = parseLines('diginetica', ['sessionId;userId;itemId;timeframe;eventdate', '1;NA;9;0;2016-01-01']);
    expect(events).toHaveLength(1);
    expect(report.notes).toEqual([]);
  });

  it('reports rows with a bad date, a bad timeframe or too few columns', () => {
    const { events, report } = parseLines('diginetica', [
      'session_id;user_id;item_id;timeframe;eventdate',
      '1;NA;9;0;09/05/2016',
      '1;NA;9;-5;2016-05-09',
      '1;NA;9',
      '1;NA;9;1;2016-05-09',
    ]);
    expect(events).toHaveLength(1);
    expect(report.toJSON().badByReason).toEqual({
      'eventdate is not YYYY-MM-DD': 1,
      'timeframe is not a non-negative number': 1,
      'too few columns': 1,
    });
  });
});

describe('Taobao UserBehavior', () => {
  it('maps pv/cart/fav/buy to view/cart/cart/purchase, keeps the category and leaves sessions to be cut', () => {
    const { events, report } = parseLines('taobao', [
      '543462,1715,1464116,pv,1511658000',
      '543462,1715,1464116,cart,1511658001',
      '543462,1716,1464116,fav,1511658002',
      '543462,1716,1464116,buy,1511658003',
    ]);
    expect(events.map((e) => e.type)).toEqual(['view', 'cart', 'cart', 'purchase']);
    expect(events[0]).toEqual({ sessionId: NO_SESSION, userId: '543462', itemId: '1715', category: '1464116', ts: 1511658000000, type: 'view' });
    expect(report.toJSON().rawTypes).toEqual({ pv: 1, cart: 1, fav: 1, buy: 1 });
  });

  it('reports unknown behaviours, bad timestamps and wrong column counts', () => {
    const { events, report } = parseLines('taobao', ['1,2,3,click,100', '1,2,3,pv,soon', '1,2,3,pv', '1,2,3,pv,100,extra', ',2,3,pv,100', '1,2,3,pv,100']);
    expect(events).toHaveLength(1);
    expect(report.toJSON().badByReason).toEqual({
      'unknown behavior_type': 1,
      'timestamp is not a number': 1,
      'too few columns': 1,
      'too many columns': 1,
      'missing user id': 1,
    });
  });
});

describe('RetailRocket events', () => {
  it('maps view/addtocart/transaction and reads the timestamp as milliseconds', () => {
    const { events } = parseLines('retailrocket', [
      'timestamp,visitorid,event,itemid,transactionid',
      '1433221332117,257597,view,355908,',
      '1433221332118,257597,addtocart,355908,',
      '1433221332119,257597,transaction,355908,4000',
    ]);
    expect(events.map((e) => [e.type, e.ts, e.userId, e.sessionId])).toEqual([
      ['view', 1433221332117, '257597', NO_SESSION],
      ['cart', 1433221332118, '257597', NO_SESSION],
      ['purchase', 1433221332119, '257597', NO_SESSION],
    ]);
  });

  it('reports unknown events and missing ids', () => {
    const { events, report } = parseLines('retailrocket', ['timestamp,visitorid,event,itemid,transactionid', '1,2,wishlist,3,', '1,,view,3,', 'x,2,view,3,']);
    expect(events).toHaveLength(0);
    expect(report.toJSON().badByReason).toEqual({ 'unknown event': 1, 'missing visitorid': 1, 'timestamp is not a number': 1 });
  });
});

describe('OTTO jsonl', () => {
  it('turns one session line into its events, clicks/carts/orders as view/cart/purchase', () => {
    const line = JSON.stringify({
      session: 12899779,
      events: [
        { aid: 59625, ts: 1661724000278, type: 'clicks' },
        { aid: 59625, ts: 1661724000300, type: 'carts' },
        { aid: 7, ts: 1661724000400, type: 'orders' },
      ],
    });
    const { events } = parseLines('otto', [line]);
    expect(events).toEqual([
      { sessionId: '12899779', userId: '12899779', itemId: '59625', ts: 1661724000278, type: 'view' },
      { sessionId: '12899779', userId: '12899779', itemId: '59625', ts: 1661724000300, type: 'cart' },
      { sessionId: '12899779', userId: '12899779', itemId: '7', ts: 1661724000400, type: 'purchase' },
    ]);
  });

  it('reads second-resolution timestamps of re-encoded OTTO files as seconds', () => {
    const { events } = parseLines('otto', ['{"session":1,"events":[{"aid":2,"ts":1661724000,"type":"clicks"}]}']);
    expect(events[0]!.ts).toBe(1661724000000);
  });

  it('skips a bad event but keeps the rest of its session, and reports lines that are not sessions', () => {
    const { events, report } = parseLines('otto', [
      '{"session":1,"events":[{"aid":2,"ts":5e12,"type":"views"},{"ts":5e12,"type":"clicks"},{"aid":3,"ts":5e12,"type":"clicks"}]}',
      '{"session":1',
      '{"events":[]}',
      '{"session":2,"events":{}}',
    ]);
    expect(events.map((e) => e.itemId)).toEqual(['3']);
    expect(report.toJSON().badByReason).toEqual({
      'unknown event type': 1,
      'event without aid': 1,
      'not JSON': 1,
      'missing session': 1,
      'missing events array': 1,
    });
  });
});

describe('the gateway event envelope', () => {
  const base = { v: 1, userId: 'u1', occurredAt: '2026-01-01T10:00:00.000Z', receivedAt: '2026-01-01T10:00:00.100Z' };

  it('turns views and add-to-carts into one event and a purchase into one event per item', () => {
    const { events } = parseLines('envelope', [
      JSON.stringify({ ...base, eventId: 'e1', type: 'view', sessionId: 's1', productId: 'p1' }),
      JSON.stringify({ ...base, eventId: 'e2', type: 'add_to_cart', sessionId: 's1', productId: 'p1', quantity: 1 }),
      JSON.stringify({
        ...base,
        eventId: 'e3',
        type: 'purchase',
        sessionId: null,
        orderId: 'o1',
        items: [
          { productId: 'p1', quantity: 1, price: 9.5 },
          { productId: 'p2', quantity: 2, price: null },
        ],
      }),
    ]);
    const t = Date.parse(base.occurredAt);
    expect(events).toEqual([
      { sessionId: 's1', userId: 'u1', itemId: 'p1', ts: t, type: 'view' },
      { sessionId: 's1', userId: 'u1', itemId: 'p1', ts: t, type: 'cart' },
      { sessionId: NO_SESSION, userId: 'u1', itemId: 'p1', ts: t, type: 'purchase' },
      { sessionId: NO_SESSION, userId: 'u1', itemId: 'p2', ts: t, type: 'purchase' },
    ]);
  });

  it('skips redelivered eventIds and reports malformed envelopes by reason', () => {
    const ok = { ...base, eventId: 'e1', type: 'view', productId: 'p1' };
    const { events, report } = parseLines('envelope', [
      JSON.stringify(ok),
      JSON.stringify(ok),
      JSON.stringify({ ...ok, eventId: 'e2', v: 2 }),
      JSON.stringify({ ...ok, eventId: 'e3', type: 'click' }),
      JSON.stringify({ ...ok, eventId: 'e4', productId: '' }),
      JSON.stringify({ ...ok, eventId: 'e5', occurredAt: 'yesterday' }),
      JSON.stringify({ ...ok, eventId: 'e6', type: 'purchase', items: [] }),
      JSON.stringify({ ...ok, eventId: undefined }),
      '[1,2]',
      'not json',
    ]);
    expect(events).toHaveLength(1);
    expect(report.toJSON().badByReason).toEqual({
      'duplicate eventId (redelivery)': 1,
      'unknown envelope version': 1,
      'unknown type': 1,
      'missing productId': 1,
      'bad occurredAt': 1,
      'purchase without items': 1,
      'missing eventId': 1,
      'not an object': 1,
      'not JSON': 1,
    });
  });
});

describe('format detection', () => {
  it('recognises every format from its first line', () => {
    expect(detectFormat('x.txt', 'SessionId\tItemId\tTime')).toBe('session-rec');
    expect(detectFormat('train-item-views.csv', 'sessionId;userId;itemId;timeframe;eventdate')).toBe('diginetica');
    expect(detectFormat('UserBehavior.csv', '1,2268318,2520377,pv,1511544070')).toBe('taobao');
    expect(detectFormat('events.csv', 'timestamp,visitorid,event,itemid,transactionid')).toBe('retailrocket');
    expect(detectFormat('train.jsonl', '{"session":0,"events":[{"aid":1,"ts":1,"type":"clicks"}]}')).toBe('otto');
    expect(detectFormat('events.jsonl', '{"v":1,"type":"view","eventId":"e"}')).toBe('envelope');
  });

  it('gives up on content it cannot place', () => {
    expect(detectFormat('notes.md', '# hello')).toBeNull();
    expect(detectFormat('x.jsonl', '{"foo":1}')).toBeNull();
  });
});

describe('sessions cut by inactivity', () => {
  const ev = (userId: string, minute: number): EvalEvent => ({ sessionId: NO_SESSION, userId, itemId: 'i', ts: minute * 60_000, type: 'view' });

  it('starts a new session for a user after more than 30 minutes without events', () => {
    const events = [ev('a', 0), ev('b', 1), ev('a', 30), ev('a', 61), ev('b', 100)];
    const made = assignSessions(events);
    expect(events.map((e) => e.sessionId)).toEqual(['a~0', 'b~0', 'a~0', 'a~1', 'b~1']);
    expect(made).toBe(4);
  });

  it('leaves events that already have a session id alone', () => {
    const events = [{ ...ev('a', 0), sessionId: 'given' }, ev('a', 100)];
    assignSessions(events);
    expect(events.map((e) => e.sessionId)).toEqual(['given', 'a~0']);
  });
});

describe('reading files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-parsers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a file line by line, tolerating a BOM, CRLF line ends and blank lines', async () => {
    const path = join(dir, 'a.txt');
    writeFileSync(path, '\uFEFFSessionId\tItemId\tTime\r\n1\t10\t1\r\n\r\n1\t11\t2\r\nbroken\r\n');
    const { events, report } = await parseFile(path, 'session-rec');
    expect(events.map((e) => e.itemId)).toEqual(['10', '11']);
    expect(report.linesRead).toBe(4);
    expect(report.badRows).toBe(1);
  });

  it('stops at --limit-events and says so', async () => {
    const path = join(dir, 'b.csv');
    writeFileSync(path, Array.from({ length: 50 }, (_, i) => `1,${i},3,pv,${1000 + i}`).join('\n'));
    const { events, report } = await parseFile(path, 'taobao', { limitEvents: 7 });
    expect(events).toHaveLength(7);
    expect(report.stoppedAtLimit).toBe(true);
  });
});
