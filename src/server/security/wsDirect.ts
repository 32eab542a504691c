// The lean path of held subscriptions: graphql-ws's `subscribe` message for a subscription
// operation, answered here rather than by graphql-ws's handler, which keeps per operation a
// suspended `for await` frame, the message, three emit closures and the execution arguments for
// the subscription's whole life (~1.5 KB each, ten thousand times over). Here a held
// subscription is its LiveSubscription in graphql-ws's `ctx.subscriptions` (so graphql-ws still
// ends it on `complete` and on close, and the subscription cap and idle check count it), and each
// list version's `next` payload is executed and serialized once per document and variables for
// every socket of that group (src/live/liveHub.ts, `forward`).
//
// The protocol stays graphql-ws's, byte for byte: the same checks (./wsGuard.ts, onSubscribe),
// the same error, next and complete messages in the same order. What this does not take goes to
// graphql-ws's own handler as before: anything before the ack, an id in use (4409), queries and
// mutations, documents that do not parse or validate, unreadable messages (4400).
import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import { MessageType, parseMessage, stringifyMessage, type Message, type SubscribePayload } from 'graphql-ws';
import { isSharedSource } from '../../live/liveHub';
import type { DirectSocket } from '../wsServe';
import type { WsContext, WsExtra, WsGuard } from './wsGuard';

export interface DirectSubscriptionsOptions {
  guard: Pick<WsGuard, 'onSubscribe' | 'onComplete' | 'direct'>;
  /** The context of an operation on this socket (what graphql-ws's `context` option gives). */
  context: (extra: WsExtra) => unknown;
}

export function createDirectSubscriptions(options: DirectSubscriptionsOptions): (socket: DirectSocket<WsExtra>, data: string) => boolean {
  const { guard, context } = options;
  const { sourceOf, runner, mapEvents, executionKey, internal, formatAll, payloadOf } = guard.direct;
  const nextMessage = (id: string, result: ExecutionResult) => stringifyMessage({ id, type: MessageType.Next, payload: payloadOf(result) });
  const errorMessage = (id: string, errors: readonly GraphQLError[]) => stringifyMessage({ id, type: MessageType.Error, payload: formatAll(errors) });
  const completeMessage = (id: string) => stringifyMessage({ id, type: MessageType.Complete });

  /** What a shared group produces per list version: the `next` payload as JSON, once for all its sockets. */
  const produceFor = (args: ExecutionArgs) => {
    const run = runner(args);
    return async (recs: unknown) => JSON.stringify(payloadOf(await run(recs)));
  };

  async function start(socket: DirectSocket<WsExtra>, ctx: WsContext, id: string, payload: SubscribePayload): Promise<void> {
    try {
      const prepared = guard.onSubscribe(ctx, id, payload);
      if (isErrors(prepared)) {
        if (id in ctx.subscriptions) await socket.send(errorMessage(id, prepared));
        delete ctx.subscriptions[id];
        return;
      }
      const args: ExecutionArgs = { ...prepared, contextValue: context(ctx.extra) };
      const source = await sourceOf(args);
      if (!(id in ctx.subscriptions)) {
        // Completed (or the socket closed) while the source was being made.
        if (isAsyncIterable(source)) void (source as Partial<AsyncIterator<unknown>>).return?.();
        return;
      }
      if (isSharedSource(source)) {
        ctx.subscriptions[id] = source.forward(`next\n${executionKey(args)}`, produceFor(args), socket, id);
        return;
      }
      if (!isAsyncIterable(source)) {
        // The field's checks answered errors (FORBIDDEN, ...): one `next` with them, then `complete`.
        await socket.send(nextMessage(id, source));
      } else {
        // A source that is not shared: graphql-ws's own loop, one execution per event.
        const results = mapEvents(source, runner(args));
        ctx.subscriptions[id] = results;
        try {
          for await (const result of results) await socket.send(nextMessage(id, result));
        } catch (err) {
          await socket.send(errorMessage(id, [internal(err)]));
          delete ctx.subscriptions[id];
        }
      }
      guard.onComplete(ctx);
      if (id in ctx.subscriptions) await socket.send(completeMessage(id));
      delete ctx.subscriptions[id];
    } catch (err) {
      // Nothing reaches graphql-ws's 4500 (which would end every subscription on the socket).
      if (id in ctx.subscriptions) await socket.send(errorMessage(id, [internal(err)])).catch(() => undefined);
      delete ctx.subscriptions[id];
    }
  }

  return function direct(socket: DirectSocket<WsExtra>, data: string): boolean {
    const ctx = socket.extra.ctx;
    // Before the ack graphql-ws answers everything (4401 for a subscribe).
    if (!ctx?.acknowledged) return false;
    const subscribe = data.includes('subscribe');
    if (!subscribe && !data.includes('complete')) return false;
    let message: Message;
    try {
      message = parseMessage(data);
    } catch {
      return false; // graphql-ws closes with 4400
    }
    if (message.type === MessageType.Complete) {
      // graphql-ws ends the operation (a forwarded one too: it is in ctx.subscriptions); the
      // complete is activity for the idle check, as graphql-ws's own loop reports it.
      guard.onComplete(ctx);
      return false;
    }
    if (message.type !== MessageType.Subscribe) return false;
    const { id, payload } = message;
    if (id in ctx.subscriptions || !guard.direct.isSubscription(payload)) return false;
    ctx.subscriptions[id] = null; // registered at once, as graphql-ws does: the subscription cap counts it
    void start(socket, ctx, id, payload);
    return true;
  };
}

const isErrors = (value: ExecutionArgs | readonly GraphQLError[]): value is readonly GraphQLError[] => Array.isArray(value);
const isAsyncIterable = (value: object): value is AsyncIterable<unknown> => Symbol.asyncIterator in value;
