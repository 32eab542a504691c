// One error formatter for both transports: the gateway's formatError (typed errors keep their
// code and message, internal ones are masked in production), plus, in production, no "Did you
// mean ...?" schema suggestions in any message. The websocket path first gives every error the
// code Apollo would give it on HTTP, so a client sees the same `extensions.code` either way.
import { GraphQLError, Kind, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../../logger';
import { createFormatError } from '../formatError';
import { RequestErrorCode, withoutSuggestions } from './errors';

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** graphql-js's parser refuses a document over `maxTokens` with a plain syntax error; name the limit like the others. */
function withTokenLimit(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const match = formatted.extensions?.code === RequestErrorCode.PARSE_FAILED ? /contains more tha[nt] (\d+) tokens/.exec(formatted.message) : null;
  return match ? { ...formatted, extensions: { ...formatted.extensions, limit: 'tokens', max: Number(match[1]) } } : formatted;
}

export function createErrorFormatter(production: boolean, logger: Logger): ErrorFormatter {
  const base = createFormatError(production, logger);
  return (formatted, error) => {
    const out = withTokenLimit(base(formatted, error));
    return production ? { ...out, message: withoutSuggestions(out.message) } : out;
  };
}

/** Apollo's defaults for errors without a code: variable coercion is BAD_USER_INPUT, the rest internal. */
function defaultCode(error: GraphQLError): string {
  if (error.nodes?.length === 1 && error.nodes[0]?.kind === Kind.VARIABLE_DEFINITION) return RequestErrorCode.BAD_USER_INPUT;
  return 'INTERNAL_SERVER_ERROR';
}

/** Formats a GraphQL error for a websocket message, as Apollo formats it for an HTTP answer. */
export function formatForWebSocket(format: ErrorFormatter, error: GraphQLError): GraphQLFormattedError {
  const json = error.toJSON();
  const { http: _http, ...extensions }: Record<string, unknown> = { ...json.extensions, code: json.extensions?.code ?? defaultCode(error) };
  return format({ ...json, extensions }, error);
}
