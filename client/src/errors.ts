// What the client throws: one error class with the gateway's stable code (extensions.code), the
// input field it names (BAD_USER_INPUT) and whether sending again may succeed.

/** Codes the client raises itself, beside the gateway's (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, UNAVAILABLE...). */
export const CLIENT_CODES = {
  /** The gateway could not be reached, or answered something that is not GraphQL. */
  NETWORK: 'NETWORK',
  /** The client was set up wrongly (a bad url, no WebSocket implementation). */
  CONFIG: 'CLIENT_CONFIG',
} as const;

export interface GraphQLErrorShape {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; field?: string; retryAfterSeconds?: number; [key: string]: unknown };
}

const RETRIABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED', CLIENT_CODES.NETWORK]);

export class RecsClientError extends Error {
  readonly code: string;
  /** BAD_USER_INPUT: the input path the gateway named, e.g. input.productId. */
  readonly field: string | null;
  /** Sending the same operation again (for events: with the same eventId) may succeed. */
  readonly retriable: boolean;
  /** Every error of the answer, as the gateway sent them. */
  readonly errors: readonly GraphQLErrorShape[];

  constructor(code: string, message: string, options: { field?: string | null; errors?: readonly GraphQLErrorShape[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RecsClientError';
    this.code = code;
    this.field = options.field ?? null;
    this.retriable = RETRIABLE.has(code);
    this.errors = options.errors ?? [];
  }

  /** The error for a GraphQL answer's errors: the first one's code, field and message. */
  static fromGraphQL(errors: readonly GraphQLErrorShape[]): RecsClientError {
    const first = errors[0];
    const code = first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    const field = typeof first?.extensions?.field === 'string' ? first.extensions.field : null;
    return new RecsClientError(code, first?.message ?? 'the gateway answered with errors', { field, errors });
  }
}
