// What a client sees of an error, the same on both transports.
import { GraphQLError, Kind, parse, type GraphQLFormattedError } from 'graphql';
import { createLogger } from '../../../src/logger';
import { ForbiddenError } from '../../../src/errors';
import { createErrorFormatter, formatForWebSocket, withoutSuggestions } from '../../../src/server/security';

const logger = createLogger('silent');

describe('client-facing errors', () => {
  test('production messages lose every "Did you mean ...?" and keep the rest', () => {
    expect(withoutSuggestions('Cannot query field "trendin" on type "Query". Did you mean "trending"?')).toBe('Cannot query field "trendin" on type "Query".');
    expect(withoutSuggestions('Field "userI" is not defined by type "TrackViewInput". Did you mean "userId"? Field "x" too. Did you mean "y" or "z"?')).toBe(
      'Field "userI" is not defined by type "TrackViewInput". Field "x" too.',
    );
    const format = createErrorFormatter(true, logger);
    const formatted: GraphQLFormattedError = { message: 'Unknown type "Foo". Did you mean "Food"?', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    expect(format(formatted, new GraphQLError(formatted.message)).message).toBe('Unknown type "Foo".');
    expect(createErrorFormatter(false, logger)(formatted, new GraphQLError(formatted.message)).message).toMatch(/Did you mean/);
  });

  test('a parse failure over the token limit names the limit like the other limits', () => {
    const format = createErrorFormatter(true, logger);
    const formatted = { message: 'Syntax Error: Document contains more that 60 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    expect(format(formatted, new GraphQLError(formatted.message)).extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED', limit: 'tokens', max: 60 });
  });

  test('over the websocket errors get the codes Apollo gives on HTTP, and never the internal http hints', () => {
    const format = createErrorFormatter(true, logger);
    const variable = parse('query($n: Int) { trending(limit: $n) { score } }').definitions[0] as any;
    const coercion = new GraphQLError('Variable "$n" got invalid value "x"', { nodes: variable.variableDefinitions[0] });
    expect(variable.variableDefinitions[0].kind).toBe(Kind.VARIABLE_DEFINITION);
    expect(formatForWebSocket(format, coercion).extensions?.code).toBe('BAD_USER_INPUT');

    const forbidden = new GraphQLError('nope', { path: ['recommendations'], originalError: new ForbiddenError('not yours') });
    expect(formatForWebSocket(format, forbidden)).toMatchObject({ message: 'not yours', extensions: { code: 'FORBIDDEN' } });

    const internal = new GraphQLError('ECONNREFUSED 10.0.0.7:6379', { path: ['trending'], originalError: new Error('ECONNREFUSED 10.0.0.7:6379') });
    expect(formatForWebSocket(format, internal)).toEqual({
      message: 'Internal server error',
      path: ['trending'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });

    const limited = new GraphQLError('too deep', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', http: { status: 400 } } });
    expect(formatForWebSocket(format, limited).extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' });
  });
});
