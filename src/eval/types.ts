// The evaluation's one internal vocabulary. Every parser produces EvalEvents, every protocol
// feeds them to SessionRecommenders, and every method implements that one interface.

export type EvalEventType = 'view' | 'cart' | 'purchase';

/** One normalised behaviour event, whatever file format it came from. */
export interface EvalEvent {
  sessionId: string;
  userId: string;
  itemId: string;
  /** Event time in milliseconds since the Unix epoch (may be fractional). */
  ts: number;
  type: EvalEventType;
  category?: string;
}

/**
 * What a method is told when asked for recommendations: the events of the current session so
 * far (oldest first), never the event being predicted.
 */
export interface SessionContext {
  sessionId: string;
  userId: string;
  /** Item ids of the session's events so far, oldest first (repeats kept). */
  items: readonly string[];
  /** The session's events so far, oldest first (same length as `items`). */
  events: readonly EvalEvent[];
  /**
   * The time of the request in ms. session-rec passes the timestamp of the event being predicted
   * (its `evaluate_sessions` hands `timestamp=ts` of the target row), and so do both protocols here.
   */
  now: number;
}

/**
 * The interface every evaluated method implements, "ours" included.
 *
 * - `learn(event)`: incremental update with one event. The stream protocol calls it once per event,
 *   always *after* that event was predicted (test-then-learn).
 * - `fit(train)`: optional batch training for the session-rec protocol. `train` is ordered by
 *   session (sessions contiguous) and time within a session. Without `fit`, the protocol calls
 *   `learn` for each training event in that order.
 * - `recommend(session, k)`: up to `k` item ids, best first. Must not mutate state that changes
 *   later answers (the protocols may ask several times per session).
 */
export interface SessionRecommender {
  readonly name: string;
  learn(event: EvalEvent): void;
  fit?(train: readonly EvalEvent[]): void;
  recommend(session: SessionContext, k: number): string[];
}

/** Options a method factory receives: parsed from `--methods name:key=value:key=value`. */
export type MethodOptions = Record<string, string | number | boolean>;

export interface MethodDefinition {
  /** Registry key used on the command line (`--methods sknn,vsknn`). */
  key: string;
  /** One line for `--help`: what it is and where its defaults come from. */
  description: string;
  /** Whether `all`/default runs include it. */
  inDefaultRun: boolean;
  create(options: MethodOptions): SessionRecommender;
}
