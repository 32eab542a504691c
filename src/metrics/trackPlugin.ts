// Counts the track mutations a gateway accepted and refused, by event type and error code, from
// what the client is told (the formatted response): refusals by validation, rate limits, auth
// and Kafka all show up, without the resolvers knowing about metrics.
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { EventType } from '../events/envelope';
import type { GatewayMetrics } from './gatewayMetrics';

const TRACK_FIELDS: Record<string, EventType | undefined> = {
  trackView: 'view',
  trackAddToCart: 'add_to_cart',
  trackPurchase: 'purchase',
};

interface FormattedError {
  path?: readonly (string | number)[];
  extensions?: { code?: unknown };
}

function mutationOf(document: DocumentNode | undefined, operation: OperationDefinitionNode | undefined): OperationDefinitionNode | undefined {
  if (operation) return operation.operation === 'mutation' ? operation : undefined;
  const ops = document?.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION) ?? [];
  return ops.length === 1 && ops[0]!.operation === 'mutation' ? ops[0] : undefined;
}

const codeOf = (e: FormattedError | undefined) => (typeof e?.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN');

/**
 * trackEvents answers per event; its events are counted one by one under type "batch" (the answer
 * does not say each event's type). A call refused whole (e.g. over 500 events) counts once.
 */
const BATCH_FIELD = 'trackEvents';
const BATCH_TYPE = 'batch';
interface BatchAnswer {
  accepted?: unknown;
  error?: { code?: unknown } | null;
}

function countBatch(metrics: Pick<GatewayMetrics, 'eventsAccepted' | 'eventsRefused'>, answers: readonly BatchAnswer[]): void {
  let accepted = 0;
  const refused = new Map<string, number>();
  for (const a of answers) {
    if (a?.accepted === true) accepted++;
    else {
      const code = typeof a?.error?.code === 'string' ? a.error.code : 'UNKNOWN'; // UNKNOWN: the client did not select error { code }
      refused.set(code, (refused.get(code) ?? 0) + 1);
    }
  }
  if (accepted > 0) metrics.eventsAccepted.inc({ type: BATCH_TYPE }, accepted);
  for (const [code, n] of refused) metrics.eventsRefused.inc({ type: BATCH_TYPE, code }, n);
}

export function createTrackMetricsPlugin<TContext extends object>(
  metrics: Pick<GatewayMetrics, 'eventsAccepted' | 'eventsRefused'>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, document, operation }) {
          const mutation = mutationOf(document, operation);
          if (!mutation || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult as { data?: Record<string, unknown> | null; errors?: readonly FormattedError[] };
          for (const selection of mutation.selectionSet.selections) {
            if (selection.kind !== Kind.FIELD) continue;
            const key = selection.alias?.value ?? selection.name.value;
            const batch = data?.[key];
            if (selection.name.value === BATCH_FIELD && Array.isArray(batch)) {
              countBatch(metrics, batch as BatchAnswer[]);
              continue;
            }
            const type = selection.name.value === BATCH_FIELD ? BATCH_TYPE : TRACK_FIELDS[selection.name.value];
            if (!type) continue;
            const answer = data?.[key] as { accepted?: unknown } | null | undefined;
            if (answer?.accepted === true) {
              metrics.eventsAccepted.inc({ type });
              continue;
            }
            const own = errors?.find((e) => e.path?.[0] === key) ?? errors?.find((e) => !e.path || e.path.length === 0);
            metrics.eventsRefused.inc({ type, code: codeOf(own) });
          }
        },
      };
    },
  };
}
