// trackEach: the per-event path of trackEvents, with `track` a plain function standing for the
// single mutations' steps (act-for check, rate limit, publish).
import { RateLimitedError, UncertainWriteError, UnavailableError } from '../../../src/errors';
import type { EventEnvelope } from '../../../src/events/envelope';
import { trackEach } from '../../../src/resolvers/trackEvents';

const open = { userId: null, admin: false, authEnabled: false };
const view = (userId: string, productId = 'p') => ({ type: 'view', userId, productId });

describe('trackEach', () => {
  it('starts every valid event in input order before any answer, and answers in input order', async () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const answers = trackEach([view('a'), view('b', ''), view('c'), view('d')], open, (e: EventEnvelope) => {
      started.push(e.userId);
      return new Promise<void>((r) => release.push(r));
    });
    expect(started).toEqual(['a', 'c', 'd']); // synchronously, before anything resolved
    release.reverse().forEach((r) => r()); // answered last to first
    expect((await answers).map((a) => a.accepted)).toEqual([true, false, true, true]);
  });

  it("answers a step's failure for that event alone, with its code, retriability and retry delay", async () => {
    const failures: Record<string, Error> = {
      limited: new RateLimitedError('too many track events from user "limited"; retry in 2 s', 2),
      down: new UnavailableError('kafka', 'not written: no acknowledgement within 3000 ms'),
      maybe: new UncertainWriteError('kafka', 'no acknowledgement within 3000 ms'),
      bug: new TypeError('cannot read properties of undefined (secret detail)'),
    };
    const answers = await trackEach(
      ['ok', 'limited', 'down', 'maybe', 'bug'].map((u) => view(u)),
      open,
      async (e) => {
        const failure = failures[e.userId];
        if (failure) throw failure;
      },
    );
    expect(answers.map((a) => [a.accepted, a.error?.code ?? null, a.error?.retriable ?? null, a.error?.retryAfterSeconds ?? null])).toEqual([
      [true, null, null, null],
      [false, 'RATE_LIMITED', true, 2],
      [false, 'UNAVAILABLE', true, null],
      [false, 'UNAVAILABLE', true, null],
      [false, 'INTERNAL_SERVER_ERROR', false, null],
    ]);
    expect(answers[3]!.error!.message).toMatch(/not known to be written/);
    expect(answers.map((a) => a.error?.written ?? null)).toEqual([null, null, null, 'unknown', null]); // as extensions.written of a single mutation
    expect(answers[4]!.error!.message).toBe('internal error'); // an unexpected error's text is not shown
    expect(answers.every((a) => typeof a.eventId === 'string')).toBe(true); // each can be retried with its id
  });

  it('refuses a field of another event type, an unknown type, and names the event by its index', async () => {
    const answers = await trackEach(
      [
        { type: 'view', userId: 'u', productId: 'p', quantity: 2 },
        { type: 'purchase', userId: 'u', orderId: 'o', items: [{ productId: 'p' }], productId: 'p' },
        { type: 'click', userId: 'u' },
      ],
      open,
      async () => undefined,
    );
    expect(answers.map((a) => a.error?.message)).toEqual([
      'input[0].quantity: is not taken by a VIEW event (it takes productId)',
      'input[1].productId: is not taken by a PURCHASE event (it takes orderId, items)',
      'input[2].type: must be VIEW, ADD_TO_CART or PURCHASE, got "click"',
    ]);
  });

  it('refuses more than 500 events, or no token where auth is on, as a whole and before any step', async () => {
    const track = jest.fn(async () => undefined);
    await expect(
      trackEach(
        Array.from({ length: 501 }, () => view('u')),
        open,
        track,
      ),
    ).rejects.toThrow('input: at most 500 events per call, got 501');
    await expect(trackEach([view('u')], { userId: null, admin: false, authEnabled: true }, track)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(track).not.toHaveBeenCalled();
    expect(
      (
        await trackEach(
          Array.from({ length: 500 }, () => view('u')),
          open,
          track,
        )
      ).length,
    ).toBe(500);
  });
});
