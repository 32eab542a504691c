// One HTTP server, one port: Apollo Server over express at /graphql (POST, and Sandbox on GET in
// development), graphql-ws on the same path for subscriptions, health probes, the demo page.
// The process roles (RECSYS_ROLES) decide what /graphql serves: operations over HTTP with api or
// push, the websocket with push; what a role does not serve is refused there, naming the role.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import cors from 'cors';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { rolesLabel, type Roles, type SecurityConfig } from '../config';
import type { Logger } from '../logger';
import { createContext, SocketContext, type GatewayContext, type GatewayServices } from '../resolvers/context';
import type { Authenticator } from './auth';
import { mountHealth, type Probe } from './health';
import { refuseGraphqlOverHttp, refuseWebsockets } from './notServed';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from './sandbox';
import {
  clientAddress,
  createErrorFormatter,
  createSecurityPlugin,
  createTrackLimiter,
  createWsGuard,
  documentLimitsOf,
  httpViewer,
  originAllowed,
  securityValidationRules,
  type TrackLimiter,
} from './security';
import type { WsExtra } from './security/wsGuard';
import { createDirectSubscriptions } from './security/wsDirect';
import { serveLean } from './wsServe';
import { DocumentCache } from './security/documentCache';
import { SocketsPerAddress } from './security/socketsPerAddress';

export interface HttpGatewayOptions {
  schema: GraphQLSchema;
  services: GatewayServices;
  authenticate: Authenticator;
  logger: Logger;
  production: boolean;
  /** Limits and origins (src/server/security/); defaults come from loadConfig. */
  security: SecurityConfig;
  host: string;
  port: number;
  probes: Record<string, Probe>;
  /** How long stop() lets in-flight requests finish before closing their sockets (ms, default 2500). */
  drainMs?: number;
  /** Extra routes (metrics, ...), mounted before GraphQL. */
  routes?: (app: express.Express) => void;
  /** Extra Apollo plugins (metrics, ...), after the gateway's own. */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Folder of the built demo page, served at `/` when present. */
  webDir?: string;
  /** Track budgets (default: token buckets in this process, from `security.trackRate`). */
  trackLimiter?: TrackLimiter;
  /** What this process runs (default: every role). */
  roles?: Roles;
}

/** `cache-control: no-store` on every answer, as Apollo's cache-control plugin sets it when nothing is cacheable. */
const noStorePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/** graphql-ws's default keep-alive: a socket that does not answer a ping within this time is dropped. */
const WS_KEEPALIVE_MS = 12_000;

const ALL_ROLES: Roles = { api: true, scorer: true, push: true };

export interface HttpGateway {
  url: string;
  wsUrl: string;
  port: number;
  stop(): Promise<void>;
}

export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const { schema, services, authenticate, logger, production, security, roles = ALL_ROLES } = options;
  const app = express();
  const httpServer: Server = createServer(app);
  if (!roles.api && !roles.push) return startProbesOnly(app, httpServer, options, roles);
  const introspection = !production;
  const formatError = createErrorFormatter(production, logger);
  const limiter = options.trackLimiter ?? createTrackLimiter(security.trackRate);
  const documentLimits = documentLimitsOf(security, introspection);
  const refusals = new DocumentCache(security.validationCacheEntries);

  const wsCleanup = roles.push ? serveWebsocket() : refuseWebsockets(httpServer, '/graphql', rolesLabel(roles));
  function serveWebsocket() {
    const socketsPerAddress = new SocketsPerAddress(security.wsMaxSocketsPerAddress);
    const addressOf = (req: IncomingMessage) => clientAddress(req.headers, req.socket.remoteAddress, security.trustProxyHops);
    const wsServer = new WebSocketServer({
      server: httpServer,
      path: '/graphql',
      maxPayload: security.wsMaxPayloadBytes, // a bigger frame closes the socket with 1009
      verifyClient: ({ origin, req }, done) => {
        // A browser page from a foreign origin may not open the socket (cross-site websocket hijacking).
        if (!originAllowed(origin, req.headers.host, security.allowedOrigins, !production)) return done(false, 403, 'origin not allowed');
        if (!socketsPerAddress.allows(addressOf(req))) return done(false, 429, 'too many websockets from this address');
        done(true);
      },
    });
    wsServer.on('connection', (socket, req) => socket.once('close', socketsPerAddress.opened(addressOf(req))));
    const forClient = (address: string) => limiter.forClient(address);
    const { sweep, direct, ...wsGuard } = createWsGuard({ schema, security, introspection, authenticate, format: formatError });
    const context = (extra: WsExtra) => new SocketContext(services, extra.viewer ?? authenticate(undefined), forClient, extra.clientAddress ?? 'unknown');
    return serveLean<Record<string, unknown> | undefined, WsExtra>({ schema, ...wsGuard, context: (ctx) => context(ctx.extra) }, wsServer, {
      ...sweep,
      keepAliveMs: WS_KEEPALIVE_MS,
      isProd: production,
      // Subscriptions are served by the direct path (no graphql-ws frame held per subscription).
      direct: createDirectSubscriptions({ guard: { ...wsGuard, direct }, context }),
    });
  }

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: security.maxTokens },
    validationRules: securityValidationRules(documentLimits, refusals),
    formatError,
    plugins: [
      // Bounded (Apollo's default grace is 10 s): shutdown has a deadline of its own (src/app.ts).
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.drainMs ?? 2_500 }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      createSecurityPlugin<GatewayContext>({ maxCost: security.maxCost, refusals }),
      // No field has a cache hint, so Apollo's cache-control plugin only ever answered `no-store`,
      // at the price of a hook on every field of every answer (and every resolver of the schema
      // wrapped for it). The same header, set once per answer.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin,
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false, document: SANDBOX_DOCUMENT, variables: SANDBOX_VARIABLES }),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  options.routes?.(app);
  mountHealth(app, options.probes);
  app.use(
    '/graphql',
    cors<cors.CorsRequest>({ origin: security.allowedOrigins === null ? true : [...security.allowedOrigins] }),
    express.json({ limit: security.maxBodyBytes }),
    expressMiddleware(apollo, {
      // A bad token refuses the request with HTTP 401 (UNAUTHENTICATED); no token is an anonymous viewer.
      context: async ({ req }) => ({
        ...createContext(services, httpViewer(authenticate, req.headers.authorization)),
        limits: limiter.forClient(clientAddress(req.headers, req.socket.remoteAddress, security.trustProxyHops)),
      }),
    }),
  );
  if (options.webDir && existsSync(options.webDir)) app.use(express.static(options.webDir));
  // Body-parser and other request errors: a JSON answer naming the problem, never an HTML stack.
  app.use((err: { status?: number; type?: string; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === 'entity.parse.failed'
        ? 'the request body is not valid JSON'
        : err.type === 'entity.too.large'
          ? 'the request body is too large'
          : status < 500
            ? (err.message ?? 'bad request')
            : 'internal server error';
    if (status >= 500) logger.error({ err }, 'request failed');
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });

  const gateway = await listen(httpServer, options, async () => {
    // Apollo's drain plugin stops accepting, lets requests finish, then closes the sockets.
    await apollo.stop();
  });
  logger.info({ port: gateway.port }, 'gateway listening');
  return gateway;
}

/** Listens on the configured address; the URLs name 127.0.0.1 for a wildcard host. */
async function listen(httpServer: Server, options: Pick<HttpGatewayOptions, 'host' | 'port'>, stop: () => Promise<void>): Promise<HttpGateway> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return { url: `http://${shownHost}:${port}/graphql`, wsUrl: `ws://${shownHost}:${port}/graphql`, port, stop };
}

/** A scorer-only process: no GraphQL, only the probes and metrics operators need on its PORT. */
async function startProbesOnly(app: express.Express, httpServer: Server, options: HttpGatewayOptions, roles: Roles): Promise<HttpGateway> {
  options.routes?.(app);
  mountHealth(app, options.probes);
  refuseGraphqlOverHttp(app, '/graphql', rolesLabel(roles));
  const closeWebsockets = refuseWebsockets(httpServer, '/graphql', rolesLabel(roles));
  const gateway = await listen(httpServer, options, async () => {
    await closeWebsockets.dispose();
    // Probe and metrics requests are short: in-flight ones finish, idle keep-alive sockets close now.
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    httpServer.closeIdleConnections();
    const timer = setTimeout(() => httpServer.closeAllConnections(), options.drainMs ?? 2_500);
    await closed;
    clearTimeout(timer);
  });
  options.logger.info({ port: gateway.port, roles: rolesLabel(roles) }, 'probes and metrics listening (no GraphQL: RECSYS_ROLES has neither api nor push)');
  return gateway;
}
