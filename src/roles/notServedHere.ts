// What a process gets in place of a role it does not run (RECSYS_ROLES): the GraphQL schema is
// the same everywhere, so a resolver can still be reached; these answer it with a MisdirectedError
// naming the role to send it to, instead of a client for a server this process never connects to.
import { rolesLabel, type Roles } from '../config';
import { MisdirectedError } from '../errors';
import type { EventPublisher } from '../log/types';
import type { RecsFeed } from '../store/types';

/** A push-only (or scorer-only) process: track mutations are the api role's. */
export function refusingPublisher(roles: Roles): EventPublisher {
  return {
    publish: async () => {
      throw new MisdirectedError('api', 'track mutations', rolesLabel(roles));
    },
    stop: async () => {},
  };
}

/** A process without the push role never holds a subscription (its websocket closes at once; src/server/gateway.ts). */
export function refusingFeed(roles: Roles): RecsFeed {
  return {
    subscribe: async () => {
      throw new MisdirectedError('push', 'subscriptions', rolesLabel(roles));
    },
  };
}
