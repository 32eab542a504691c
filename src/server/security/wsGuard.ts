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
import type { IncomingMessage } from 'node:http';
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
import type WebSocket from 'ws';
import type { SecurityConfig } from '../../config';
import { RecsysError } from '../../errors';
import { isSharedSource } from '../../live/liveHub';
import type { Viewer } from '../../resolvers/context';
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

type WsExtra = { readonly socket: WebSocket; readonly request: IncomingMessage } & Partial<WsClient> & {
  /** Marks the socket as active now (idle timeout). */
  touch?: () => void;
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
    new GraphQLError('internal error while starting the operation', { originalError: err instanceof Error ? err : new Error(String(err)), extensions: { code: 'INTERNAL_SERVER_ERROR' } });

  const executeSafely = async (args: ExecutionArgs): Promise<ExecutionResult> => {
    try {
      return await execute(args);
    } catch (err) {
      return { errors: [internal(err)] };
    }
  };

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
    let document = documents.get(payload.query);
    if (document === undefined) {
      try {
        document = parse(payload.query, { maxTokens: security.maxTokens });
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) document = invalid.map((e) => withCode(e, RequestErrorCode.VALIDATION_FAILED));
      } catch (err) {
        document = [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), RequestErrorCode.PARSE_FAILED)];
      }
      documents.set(payload.query, document);
    }
    if (isErrors(document)) return document;
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) {
      const message = payload.operationName ? `Unknown operation named "${payload.operationName}".` : 'Must provide operation name if query contains multiple operations.';
      return [new GraphQLError(message, { extensions: { code: RequestErrorCode.OPERATION_RESOLUTION_FAILURE } })];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
    if (coerced.errors) return coerced.errors.map((e) => withCode(e, RequestErrorCode.BAD_USER_INPUT));
    const tooCostly = costError({ schema, document, operation, variables: payload.variables, maxCost: security.maxCost });
    if (tooCostly) return [tooCostly];
    return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
  };

  return {
    connectionInitWaitTimeout: security.wsConnectionInitTimeoutMs,

    onConnect(ctx: WsContext): boolean {
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
      ctx.extra.clientAddress = clientAddress(ctx.extra.request.headers, ctx.extra.request.socket.remoteAddress, security.trustProxyHops);
      // Nothing later needs the upgrade request, and graphql-ws would keep it (headers and all) for
      // the connection's whole life: a few KB per held socket.
      (ctx.extra as { request?: IncomingMessage }).request = undefined;
      ctx.extra.touch = closeWhenIdle(ctx, security.wsIdleTimeoutMs);
      return true;
    },

    onSubscribe(ctx: WsContext, _id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
      ctx.extra.touch?.();
      try {
        return prepare(ctx, payload);
      } catch (err) {
        return [internal(err)];
      }
    },

    onPing(ctx: WsContext) {
      ctx.extra.touch?.();
    },

    onComplete(ctx: WsContext) {
      ctx.extra.touch?.();
    },

    // graphql-js's subscribe, except that a shared source (src/live/liveHub.ts) runs the document
    // once per list version for every subscriber of the same document and variables, instead of
    // once per subscriber. graphql-js throws (rather than answering errors) on a few shapes
    // validation lets through; graphql-ws would close the whole socket with 4500. An error for
    // this operation instead.
    async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      try {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source;
        const run = (rootValue: unknown) => executeSafely({ ...args, rootValue });
        return isSharedSource(source) ? source.share(executionKey(args), run) : mapEvents(source, run);
      } catch (err) {
        return { errors: [internal(err)] };
      }
    },

    execute: executeSafely,

    onNext(_ctx: WsContext, _id: string, _payload: SubscribePayload, _args: ExecutionArgs, result: ExecutionResult): FormattedExecutionResult | void {
      if (!result.errors) return;
      return { ...result, errors: formatAll(result.errors) };
    },

    onError(_ctx: WsContext, _id: string, _payload: SubscribePayload, errors: readonly GraphQLError[]) {
      return formatAll(errors);
    },
  };
}

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

/**
 * Closes the socket once it has had no operation running and no ping for `idleMs` (an
 * acknowledged socket would otherwise hold its memory and its per-address slot forever).
 * Returns the function that marks the socket active.
 */
function closeWhenIdle(ctx: WsContext, idleMs: number): () => void {
  let last = Date.now();
  let timer: NodeJS.Timeout;
  const check = () => {
    const now = Date.now();
    if (Object.keys(ctx.subscriptions).length > 0) last = now;
    const quiet = now - last;
    if (quiet >= idleMs) return void ctx.extra.socket.close(CloseCode.ConnectionInitialisationTimeout, `idle: no subscription or ping for ${idleMs} ms`);
    timer = setTimeout(check, idleMs - quiet).unref();
  };
  timer = setTimeout(check, idleMs).unref();
  ctx.extra.socket.once('close', () => clearTimeout(timer));
  return () => {
    last = Date.now();
  };
}
