// One GraphQL operation over HTTP POST, typed by its generated document.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { CLIENT_CODES, RecsClientError, type GraphQLErrorShape } from './errors';

// A document is printed once, however often it is sent.
const printed = new WeakMap<object, string>();
export function sourceOf(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return text;
}

export interface HttpOptions {
  url: string;
  headers: () => Record<string, string>;
  fetch: typeof globalThis.fetch;
}

export async function request<R, V>(http: HttpOptions, document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  let res: Response;
  try {
    res = await http.fetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...http.headers() },
      body: JSON.stringify({ query: sourceOf(document), variables }),
    });
  } catch (err) {
    throw new RecsClientError(CLIENT_CODES.NETWORK, `could not reach the gateway at ${http.url}: ${(err as Error).message}`, { cause: err });
  }
  let body: { data?: R | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await res.json()) as typeof body;
  } catch (err) {
    throw new RecsClientError(CLIENT_CODES.NETWORK, `the gateway at ${http.url} answered HTTP ${res.status} without a GraphQL body`, { cause: err });
  }
  if (body.errors?.length) throw RecsClientError.fromGraphQL(body.errors);
  if (body.data === undefined || body.data === null)
    throw new RecsClientError(CLIENT_CODES.NETWORK, `the gateway at ${http.url} answered HTTP ${res.status} without data`);
  return body.data;
}
