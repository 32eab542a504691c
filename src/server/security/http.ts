// The HTTP side: a bad bearer token answers 401 with an UNAUTHENTICATED GraphQL error (not
// Apollo's 500 for a failing context function), and an Apollo plugin applies the cost limit and
// refuses subscriptions, which are served over the websocket.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode, RecsysError } from '../../errors';
import type { Viewer } from '../../resolvers/context';
import type { Authenticator } from '../auth';
import { costError } from './cost';
import type { DocumentCache } from './documentCache';
import { RequestErrorCode } from './errors';

/**
 * The viewer for an HTTP request. No token: an anonymous viewer (public fields answer, the others
 * give UNAUTHENTICATED field errors, HTTP 200). A token that is malformed, expired or signed with
 * another key: the whole request is refused, HTTP 401 with `WWW-Authenticate: Bearer`.
 */
export function httpViewer(authenticate: Authenticator, authorization: unknown): Viewer {
  try {
    return authenticate(authorization);
  } catch (err) {
    if (err instanceof RecsysError && err.code === ErrorCode.UNAUTHENTICATED) {
      throw new GraphQLError(err.message, {
        extensions: {
          code: ErrorCode.UNAUTHENTICATED,
          http: { status: 401, headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]) },
        },
      });
    }
    throw err;
  }
}

export function createSecurityPlugin<TContext extends object>(options: { maxCost: number; refusals?: DocumentCache }): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        // Apollo's document store remembers valid documents; refused texts are remembered here and
        // replayed by the document budget rule (./documentBudget.ts) without validating again.
        async validationDidStart({ source }) {
          return async (errors) => {
            const refused = errors?.filter((e): e is GraphQLError => e instanceof GraphQLError) ?? [];
            if (refused.length > 0 && source !== undefined) options.refusals?.set(source, refused);
          };
        },
        async didResolveOperation({ operation, document, request, schema }) {
          if (!operation) return; // unknown operation name: execution answers OPERATION_RESOLUTION_FAILURE
          if (operation.operation === 'subscription') {
            throw new GraphQLError('subscriptions are served over the websocket at /graphql (graphql-transport-ws protocol)', {
              extensions: { code: RequestErrorCode.BAD_REQUEST, http: { status: 400 } },
            });
          }
          const error = costError({ schema, document, operation, variables: request.variables, maxCost: options.maxCost });
          if (error) throw error;
        },
      };
    },
  };
}
