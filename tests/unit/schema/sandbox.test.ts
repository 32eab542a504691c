// Apollo Sandbox at GET /graphql in development, with the storefront's operations preloaded; in
// production no Sandbox and no introspection. Embedded gateways: nothing else needs to run.
import { parse, validate } from 'graphql';
import { buildGatewaySchema } from '../../../src/gatewaySchema';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from '../../../src/server/sandbox';
import type { Gateway } from '../../../src/app';
import { gql, startTestGateway } from '../../helpers/gateway';

const INTROSPECTION = '{ __schema { queryType { name } } }';
const openInBrowser = (url: string) => fetch(url, { headers: { accept: 'text/html' } });

function sandboxConfig(html: string): { initialState?: { document?: string; variables?: unknown } } | null {
  const match = /var embeddedSandboxConfig = (\{.*\});/.exec(html);
  return match ? JSON.parse(match[1]!) : null;
}

describe('Apollo Sandbox in development', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ NODE_ENV: 'development' });
  });
  afterAll(() => gateway.stop());

  it('answers a browser at GET /graphql with the Sandbox, preloaded with the storefront operations', async () => {
    const res = await openInBrowser(gateway.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<script[^>]*embeddable-sandbox[^>]*>/);
    const config = sandboxConfig(html);
    expect(config?.initialState?.document).toBe(SANDBOX_DOCUMENT);
    expect(config?.initialState?.variables).toEqual(SANDBOX_VARIABLES);
  });

  it('allows introspection, which the Sandbox needs to show the schema', async () => {
    const res = await gql(gateway.url, INTROSPECTION);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('the gateway in production', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ NODE_ENV: 'production', RECSYS_JWT_SECRET: 's'.repeat(32) });
  });
  afterAll(() => gateway.stop());

  it('shows a browser no Sandbox and none of the preloaded operations', async () => {
    const res = await openInBrowser(gateway.url);
    const html = await res.text();
    expect(html).not.toMatch(/<script[^>]*embeddable-sandbox/);
    expect(html).not.toContain('EmbeddedSandbox');
    expect(html).not.toContain('TrackView');
  });

  it('refuses introspection', async () => {
    const res = await gql(gateway.url, INTROSPECTION);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection is not allowed/);
  });
});

describe("the Sandbox's preloaded document", () => {
  it('validates against the schema, so every operation in it runs as shown', () => {
    expect(validate(buildGatewaySchema(), parse(SANDBOX_DOCUMENT)).map((e) => e.message)).toEqual([]);
  });
});
