// The request-level errors the security layer gives, identical over HTTP and the websocket:
// every one carries `extensions.code`; limit errors also say which limit, its bound and the value seen.
import { GraphQLError, type ASTNode } from 'graphql';

/** Codes Apollo Server gives these failures on HTTP; the websocket path uses the same ones. */
export const RequestErrorCode = {
  PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  BAD_REQUEST: 'BAD_REQUEST',
  RATE_LIMITED: 'RATE_LIMITED',
} as const;

export type LimitName = 'depth' | 'aliases' | 'tokens' | 'cost' | 'subscriptions' | 'fields' | 'fieldsPerSelection';

/** An operation over one of the configured bounds (validation failure, HTTP 400). */
export function limitError(message: string, limit: LimitName, max: number, actual: number | null, nodes?: readonly ASTNode[] | ASTNode): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    extensions: { code: RequestErrorCode.VALIDATION_FAILED, limit, max, ...(actual === null ? {} : { actual }), http: { status: 400 } },
  });
}

/** The same error with a code, keeping its message, locations and original error. */
export function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: { ...error.extensions, code: error.extensions.code ?? code },
  });
}

/** Production messages do not list schema names a client got wrong ("Did you mean ...?"). */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}
