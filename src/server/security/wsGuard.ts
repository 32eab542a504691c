// The websocket side of the same rules HTTP gets. graphql-ws runs only graphql-js's specified
// validation unless onSubscribe takes over, so onSubscribe here parses with the token limit,
// validates with the specified rules plus the gateway's (and no introspection in production),
// coerces the variables, checks the cost and the per-connection subscription cap, and hands
// graphql-ws the execution arguments. Every error goes out formatted as Apollo formats it on HTTP.
//
// Close codes (graphql-ws): 4403 bad or missing token at connection_init (checked once, there),
// 4408 no connection_init in time, or idle (no subscription running and no ping) for
// wsIdleTimeoutMs after it, 4401 subscribe before the ack, 4400 unreadable message, 4409 an id
// already in use, 4429 a second connection_init; 1009 a frame over maxPayload (ws).
// Over the subscription cap the socket stays open: that one operation gets a RATE_LIMITED error.
// Nothing a client sends reaches graphql-ws's 4500 (which would end every subscription on the
// socket): an unexpected throw while preparing or starting an operation is an error for that
// operation id only.
import { DocumentCache } from './documentCache';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode, type Context, type FormattedExecutionResult, type SubscribePayload } from 'graphql-ws';
import type { SecurityConfig } from '../../config';
import { RecsysError } from '../../errors';
import { isSharedSource } from '../../live/liveHub';
import type { HeldSocket } from '../wsServe';
import { contextForExecution, type Viewer } from '../../resolvers/context';
import type { Authenticator } from '../auth';
import { clientAddress } from './client';
import { costError } from './cost';
import { RequestErrorCode, withCode } from './errors';
import { formatForWebSocket, type ErrorFormatter } from './format';
import { documentLimitsOf, securityValidationRules } from './validationRules';

/** What onConnect learns about a connection, for the context of each of its operations. */
export type WsClient = {
  viewer: Viewer;
  clientAddress: string;
};

export type WsExtra = HeldSocket &
  Partial<WsClient> & {
    /** The connection's graphql-ws context, once acknowledged (its running subscriptions). */
    ctx?: WsContext;
    /** Last activity (ms): a subscribe, complete or ping. */
    lastActive?: number;
  };
type WsContext = Context<Record<string, unknown> | undefined, WsExtra>;

export interface WsGuardOptions {
  schema: GraphQLSchema;
  security: SecurityConfig;
  /** False in production: introspection is refused here as Apollo refuses it on HTTP. */
  introspection: boolean;
  authenticate: Authenticator;
  format: ErrorFormatter;
}

export function createWsGuard(options: WsGuardOptions) {
  const { schema, security, introspection, authenticate, format } = options;
  const rules: ValidationRule[] = [
    ...specifiedRules,
    ...securityValidationRules(documentLimitsOf(security, introspection)),
    ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((e) => formatForWebSocket(format, e));
  // Parse and validation depend only on the text (variables are coerced and costed per subscribe):
  // both outcomes are remembered, so a document is parsed and validated once however often it is sent.
  const documents = new DocumentCache(security.validationCacheEntries);
  const internal = (err: unknown) =>
    new GraphQLError('internal error while starting the operation', {
      originalError: err instanceof Error ? err : new Error(String(err)),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });

  const executeSafely = async (args: ExecutionArgs): Promise<ExecutionResult> => {
    try {
      return await execute(args);
    } catch (err) {
      return { errors: [internal(err)] };
    }
  };

  const documentOf = (query: string): DocumentNode | readonly GraphQLError[] => {
    let document = documents.get(query);
    if (document === undefined) {
      try {
        document = parse(query, { maxTokens: security.maxTokens });
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) document = invalid.map((e) => withCode(e, RequestErrorCode.VALIDATION_FAILED));
      } catch (err) {
        document = [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), RequestErrorCode.PARSE_FAILED)];
      }
      documents.set(query, document);
    }
    return document;
  };

  /** One execution of the document per event, each with a context of its own (contextForExecution). */
  const runner = (args: ExecutionArgs) => (rootValue: unknown) => executeSafely({ ...args, rootValue, contextValue: contextForExecution(args.contextValue) });

  /** graphql-js's source event stream, or the result it answered instead (an error for this operation when it throws). */
  const sourceOf = async (args: ExecutionArgs): Promise<AsyncIterable<unknown> | ExecutionResult> => {
    try {
      return await createSourceEventStream(args);
    } catch (err) {
      return { errors: [internal(err)] };
    }
  };

  /** A result as graphql-ws sends it in `next` (with onNext above: errors formatted as on HTTP). */
  const payloadOf = (result: ExecutionResult): FormattedExecutionResult | ExecutionResult =>
    result.errors ? { ...result, errors: formatAll(result.errors) } : result;

  const prepare = (ctx: WsContext, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] => {
    // graphql-ws has already registered this operation, so the count includes it.
    const running = Object.keys(ctx.subscriptions).length;
    if (running > security.wsMaxSubscriptions) {
      return [
        new GraphQLError(`at most ${security.wsMaxSubscriptions} subscriptions may run on one connection; complete one first`, {
          extensions: { code: RequestErrorCode.RATE_LIMITED, limit: 'subscriptions', max: security.wsMaxSubscriptions },
        }),
      ];
    }
    const document = documentOf(payload.query);
    if (isErrors(document)) return document;
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) {
      const message = payload.operationName
        ? `Unknown operation named "${payload.operationName}".`
        : 'Must provide operation name if query contains multiple operations.';
      return [new GraphQLError(message, { extensions: { code: RequestErrorCode.OPERATION_RESOLUTION_FAILURE } })];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return coerced.errors.map((e) => withCode(e, RequestErrorCode.BAD_USER_INPUT));
    const tooCostly = costError({ schema, document, operation, variables: payload.variables, maxCost: security.maxCost });
    if (tooCostly) return [tooCostly];
    return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };

  return {
    /** For serveLean: its sweep closes sockets without connection_init in time, and idle ones. */
    sweep: {
      connectionInitWaitMs: security.wsConnectionInitTimeoutMs,
      sweepMs: Math.min(1000, Math.max(25, Math.floor(Math.min(security.wsConnectionInitTimeoutMs, security.wsIdleTimeoutMs) / 8))),
      check: (extra: WsExtra, now: number) => closeIfIdle(extra, now, security.wsIdleTimeoutMs),
    },

    onConnect(ctx: WsContext): boolean {
      ctx.extra.initialised = true;
      const refuse = (reason: string) => {
        ctx.extra.socket.close(CloseCode.Forbidden, reason.slice(0, 120));
        return false; // graphql-ws would close with 4403 "Forbidden"; the reason above says why
      };
      let viewer: Viewer;
      try {
        viewer = authenticate(ctx.connectionParams?.authorization);
      } catch (err) {
        return refuse(err instanceof RecsysError ? err.message : 'the token could not be read');
      }
      if (viewer.authEnabled && !viewer.userId) return refuse('a bearer token is required in connectionParams.authorization');
      ctx.extra.viewer = viewer;
      const { request } = ctx.extra;
      ctx.extra.clientAddress = request ? clientAddress(request.headers, request.socket.remoteAddress, security.trustProxyHops) : 'unknown';
      // Nothing later needs the upgrade request, and graphql-ws would keep it (headers and all) for
      // the connection's whole life: a few KB per held socket.
      ctx.extra.request = undefined;
      ctx.extra.ctx = ctx;
      ctx.extra.lastActive = Date.now();
      return true;
    },

    onSubscribe(ctx: WsContext, _id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
      touch(ctx);
      try {
        const prepared = prepare(ctx, payload);
        // graphql-ws keeps the subscribe message for the operation's whole life; the document is
        // parsed once per text (the cache above), so this subscription's copy of the text can go.
        if (!Array.isArray(prepared)) (payload as { query: string }).query = '';
        return prepared;
      } catch (err) {
        return [internal(err)];
      }
    },

    onPing(ctx: WsContext) {
      touch(ctx);
    },

    onComplete(ctx: WsContext) {
      touch(ctx);
    },

    // graphql-js's subscribe, except that a shared source (src/live/liveHub.ts) runs the document
    // once per list version for every subscriber of the same document and variables, instead of
    // once per subscriber. graphql-js throws (rather than answering errors) on a few shapes
    // validation lets through; graphql-ws would close the whole socket with 4500. An error for
    // this operation instead.
    async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      const source = await sourceOf(args);
      if (!isAsyncIterable(source)) return source;
      const run = runner(args);
      return isSharedSource(source) ? source.share(executionKey(args), run) : mapEvents(source, run);
    },

    execute: executeSafely,

    onNext(_ctx: WsContext, _id: string, _payload: SubscribePayload, _args: ExecutionArgs, result: ExecutionResult): FormattedExecutionResult | void {
      if (result.errors) return payloadOf(result);
    },

    /** For the direct path (./wsDirect.ts): the same steps as above, one at a time. */
    direct: {
      /** A subscription operation that validates: the direct path may serve it. */
      isSubscription(payload: SubscribePayload): boolean {
        if (typeof payload?.query !== 'string') return false;
        const document = documentOf(payload.query);
        return !isErrors(document) && getOperationAST(document, payload.operationName)?.operation === 'subscription';
      },
      sourceOf,
      runner,
      mapEvents,
      executionKey,
      internal,
      formatAll,
      payloadOf,
    },

    onError(_ctx: WsContext, _id: string, _payload: SubscribePayload, errors: readonly GraphQLError[]) {
      return formatAll(errors);
    },
  };
}

export type WsGuard = ReturnType<typeof createWsGuard>;
export type { WsContext };

/** Runs `run` on every event of a source that is not shared (graphql-js's own mapping). */
async function* mapEvents(source: AsyncIterable<unknown>, run: (event: unknown) => Promise<ExecutionResult>): AsyncGenerator<ExecutionResult> {
  for await (const event of source) yield await run(event);
}

const isAsyncIterable = (value: object): value is AsyncIterable<unknown> => Symbol.asyncIterator in value;

// Subscribers share an execution when they sent the same document (one parsed document per text:
// the document cache) with the same operation and variables.
const documentIds = new WeakMap<DocumentNode, number>();
let documentsSeen = 0;
function executionKey(args: ExecutionArgs): string {
  let id = documentIds.get(args.document);
  if (id === undefined) documentIds.set(args.document, (id = ++documentsSeen));
  return `${id}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}`;
}

const isErrors = (value: DocumentNode | readonly GraphQLError[]): value is readonly GraphQLError[] => Array.isArray(value);

const touch = (ctx: WsContext) => {
  ctx.extra.lastActive = Date.now();
};

/**
 * Closes an acknowledged socket once it has had no operation running and no ping for `idleMs`
 * (it would otherwise hold its memory and its per-address slot forever). Run on every sweep.
 */
function closeIfIdle(extra: WsExtra, now: number, idleMs: number): void {
  const { ctx } = extra;
  if (!ctx || extra.lastActive === undefined) return;
  for (const _ in ctx.subscriptions) {
    extra.lastActive = now;
    return;
  }
  if (now - extra.lastActive >= idleMs) extra.socket.close(CloseCode.ConnectionInitialisationTimeout, `idle: no subscription or ping for ${idleMs} ms`);
}
