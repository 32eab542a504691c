// What /graphql answers for a role this process does not run (RECSYS_ROLES): a clear refusal
// naming the role to use instead, never a socket that hangs or a bare 404 page.
import type { Server } from 'node:http';
import type express from 'express';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '../errors';

/**
 * Close code for a websocket opened on a gateway without the push role: in graphql-ws's 4xxx
 * range, after HTTP 421 Misdirected Request. Retrying the same gateway cannot help.
 */
export const CLOSE_NOT_SERVED = 4421;

/** Accepts websockets on `path` and closes each at once with CLOSE_NOT_SERVED and a reason. */
export function refuseWebsockets(server: Server, path: string, runs: string): { dispose(): Promise<void> } {
  const reason = `subscriptions are served by gateways with the push role; this one runs RECSYS_ROLES=${runs}`;
  const wss = new WebSocketServer({ server, path, maxPayload: 1024 });
  wss.on('connection', (socket) => socket.close(CLOSE_NOT_SERVED, reason));
  return {
    dispose: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** GraphQL over HTTP on a process with neither api nor push (a scorer): 404 with a GraphQL-shaped error. */
export function refuseGraphqlOverHttp(app: express.Express, path: string, runs: string): void {
  app.all(path, (_req, res) => {
    res.status(404).json({
      errors: [
        { message: `GraphQL is served by gateways with the api or push role; this one runs RECSYS_ROLES=${runs}`, extensions: { code: ErrorCode.MISDIRECTED } },
      ],
    });
  });
}
