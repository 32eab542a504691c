// One error hierarchy for the whole gateway. Every error a client can see carries a stable
// `code` that becomes GraphQL `extensions.code`; `retriable` tells callers whether trying
// again can help (the kafkajs convention).

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  UNAVAILABLE: 'UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  STALE_WRITE: 'STALE_WRITE',
  MISDIRECTED: 'MISDIRECTED',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class RecsysError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retriable?: boolean; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.details = options.details ?? {};
  }

  /** graphql-js copies an original error's `extensions` into the GraphQL error (HTTP and websocket alike). */
  get extensions(): Record<string, unknown> {
    return { code: this.code, ...this.details };
  }
}

/** A request field failed validation; `field` is the input path, e.g. `input.items[2].price`. */
export class InvalidInputError extends RecsysError {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(ErrorCode.BAD_USER_INPUT, `${field}: ${reason}`, { details: { field } });
    this.field = field;
  }
}

/** A dependency (Kafka, Redis, ZooKeeper) did not answer in time or refused the work. */
export class UnavailableError extends RecsysError {
  constructor(dependency: string, message: string, cause?: unknown) {
    super(ErrorCode.UNAVAILABLE, `${dependency} unavailable: ${message}`, {
      cause,
      retriable: true,
      details: { dependency },
    });
  }
}

/**
 * A write was handed to a dependency but not acknowledged in time: it may or may not be stored.
 * Same code as UnavailableError (the client's answer is the same: retry), told apart by the
 * message and `extensions.written: "unknown"`; a retry with the same eventId is counted once.
 */
export class UncertainWriteError extends RecsysError {
  constructor(dependency: string, message: string, cause?: unknown) {
    super(ErrorCode.UNAVAILABLE, `${dependency} unavailable: not known to be written (${message}); a retry with the same eventId counts once`, {
      cause,
      retriable: true,
      details: { dependency, written: 'unknown' },
    });
  }
}

/** Configuration could not be read; the message says which variable and how to fix it. */
export class ConfigError extends RecsysError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(ErrorCode.CONFIG_INVALID, `${variable}: ${message}`, { details: { variable } });
    this.variable = variable;
  }
}

/** A stored value (e.g. a user state) that no longer decodes; scoring sets such states aside. */
export class CorruptStateError extends RecsysError {
  constructor(key: string, reason: string) {
    super(ErrorCode.INTERNAL, `stored state ${key} is corrupt: ${reason}`, { retriable: false, details: { key } });
  }
}

export class UnauthenticatedError extends RecsysError {
  constructor(message: string) {
    super(ErrorCode.UNAUTHENTICATED, message);
  }
}

export class ForbiddenError extends RecsysError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class RateLimitedError extends RecsysError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCode.RATE_LIMITED, message, { retriable: true, details: { retryAfterSeconds } });
  }
}

/**
 * A scorer's state write was refused: the stored state moved on since it was loaded (another
 * member owns the partition now). The batch is not committed; its events are scored by the owner.
 */
export class StaleWriteError extends RecsysError {
  constructor(source: string, userIds: string[]) {
    super(
      ErrorCode.STALE_WRITE,
      `${source}: the stored state of ${userIds.length} user(s) changed since this batch loaded it (${userIds.slice(0, 5).join(', ')}${userIds.length > 5 ? ', ...' : ''}); not written, the batch is left uncommitted`,
      {
        retriable: true,
        details: { source, refused: userIds.length },
      },
    );
  }
}

/**
 * The work belongs to a role this process does not run (RECSYS_ROLES): e.g. a track mutation sent
 * to a push-only gateway. Not retriable here; the client should send it to a gateway with `role`.
 */
export class MisdirectedError extends RecsysError {
  constructor(role: string, what: string, runs: string) {
    super(ErrorCode.MISDIRECTED, `${what} need a gateway with the ${role} role; this one runs RECSYS_ROLES=${runs}`, { details: { role, runs } });
  }
}
