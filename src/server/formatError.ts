// What a client sees of an error: our typed errors keep their code and message; anything else
// is an internal error whose message and stack stay in the log in production.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { RecsysError } from '../errors';
import type { Logger } from '../logger';

export function createFormatError(production: boolean, logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof RecsysError) {
      return { ...formatted, message: original.message, extensions: { ...original.extensions } };
    }
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError || (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR')) {
      // Parse, validation and variable errors: safe to show, but never with a stack in production.
      if (!production) return formatted;
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original }, 'internal error while resolving');
    if (!production) return formatted;
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
