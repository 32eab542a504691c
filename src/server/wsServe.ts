// graphql-ws's protocol (makeServer) on ws sockets, held lean: what graphql-ws's own useServer
// does, but with no timer and no closure of its own per socket. One sweep per server pings every
// socket (a socket that did not answer the previous ping is terminated), closes sockets that sent
// no connection_init in time, and runs the caller's per-socket check (the idle timeout). With
// 10,000 sockets held, per-socket timers and closures are a large part of the process's memory.
import type { IncomingMessage } from 'node:http';
import { CloseCode, DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/** What graphql-ws keeps as `ctx.extra` for each connection; the guard adds what it learns. */
export interface HeldSocket {
  readonly socket: WebSocket;
  request: IncomingMessage | undefined;
  /** When the socket opened (ms), for the connection_init deadline. */
  readonly openedAt: number;
  /** Set once connection_init arrived (by the caller's onConnect, through `initialised`). */
  initialised: boolean;
}

export interface LeanServeOptions<E extends HeldSocket> {
  /** Ping interval; a socket that did not answer the last ping by the next one is terminated (ms). */
  keepAliveMs: number;
  /** Close (4408) a socket that sent no connection_init within this time (ms). */
  connectionInitWaitMs: number;
  /** How often the sweep runs (ms); the deadlines above are met within one period. */
  sweepMs: number;
  /** The caller's check of each socket on each sweep (for example an idle timeout). */
  check?: (extra: E, now: number) => void;
  /**
   * Serves a message itself (true), or leaves it to graphql-ws (false): the lean path of held
   * subscriptions (./security/wsDirect.ts). Whatever it does not take, graphql-ws handles as usual.
   */
  direct?: (socket: DirectSocket<E>, data: string) => boolean;
  isProd: boolean;
}

/** One socket as the direct path sees it: its extra, and graphql-ws frames written to it. */
export interface DirectSocket<E extends HeldSocket> {
  readonly extra: E;
  /** Writes a whole message (resolves once written, or at once when the socket is not open). */
  send(data: string): Promise<void>;
  /** Writes a `next` message whose payload is already JSON (shared by every socket of a group). */
  push(id: string, payload: string, sent: () => void): void;
}

/** graphql-ws's view of one socket; methods on the prototype, so no closures per socket. */
class Connection {
  onMessageCallback: ((data: string) => Promise<void>) | null = null;
  closed: ((code?: number, reason?: string) => Promise<void>) | null = null;
  /** False from a ping until its pong. */
  alive = true;
  readonly protocol: string;

  constructor(
    readonly socket: WebSocket,
    readonly extra: HeldSocket,
  ) {
    this.protocol = socket.protocol;
  }

  send(data: string): Promise<void> {
    const { socket } = this;
    return new Promise<void>((resolve, reject) => {
      if (socket.readyState !== socket.OPEN) return resolve();
      socket.send(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** The bytes graphql-ws's stringifyMessage writes for {id, type: 'next', payload}. */
  push(id: string, payload: string, sent: () => void): void {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return sent();
    socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`, sent);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  onMessage(cb: (data: string) => Promise<void>): void {
    this.onMessageCallback = cb;
  }
}

const CONNECTION = Symbol('graphql-ws connection');
type Held = WebSocket & { [CONNECTION]?: Connection };

export function serveLean<P extends Record<string, unknown> | undefined, E extends HeldSocket>(
  serverOptions: ServerOptions<P, E>,
  wss: WebSocketServer,
  options: LeanServeOptions<E>,
): { dispose(): Promise<void> } {
  const server = makeServer<P, E>({ ...serverOptions, connectionInitWaitTimeout: 0 });
  const internalReason = (err: unknown) =>
    options.isProd ? 'Internal server error' : limitReason(err instanceof Error ? err.message : String(err), 'Internal server error');

  // Shared handlers: `this` is the socket, its connection hangs off it. graphql-ws's handler of a
  // subscribe message settles when the subscription ends: a promise with one handler, not an
  // async frame of ours, waits for it.
  function onMessage(this: Held, data: unknown): void {
    const connection = this[CONNECTION];
    if (!connection) return;
    const text = String(data);
    try {
      if (options.direct?.(connection as unknown as DirectSocket<E>, text)) return;
    } catch (err) {
      return failed(this, err);
    }
    const handling = connection.onMessageCallback?.(text);
    if (handling) handling.catch((err: unknown) => failed(this, err));
  }
  function failed(socket: Held, err: unknown): void {
    console.error('Internal error occurred during message handling. Please check your implementation.', err);
    socket.close(CloseCode.InternalServerError, internalReason(err));
  }
  function onPong(this: Held): void {
    const connection = this[CONNECTION];
    if (connection) connection.alive = true;
  }
  function onError(this: Held, err: Error): void {
    // A client's bad frame (too large, invalid UTF-8, bad opcode): ws has already closed the socket
    // with the protocol's code (1009, 1007, 1002). Not ours to report as an internal error.
    if (String((err as NodeJS.ErrnoException).code ?? '').startsWith('WS_ERR_')) return;
    console.error('Internal error emitted on a WebSocket socket. Please check your implementation.', err);
    this.close(CloseCode.InternalServerError, internalReason(err));
  }
  function onClose(this: Held, code: number, reason: Buffer): void {
    const connection = this[CONNECTION];
    this[CONNECTION] = undefined;
    if (!options.isProd && code === CloseCode.SubprotocolNotAcceptable && this.protocol === DEPRECATED_GRAPHQL_WS_PROTOCOL)
      console.warn(`Client provided the unsupported and deprecated subprotocol "${this.protocol}" used by subscriptions-transport-ws.`);
    void connection?.closed?.(code, String(reason));
  }

  wss.options.handleProtocols = handleProtocols;
  wss.once('error', (err) => {
    console.error('Internal error emitted on the WebSocket server. Please check your implementation.', err);
    for (const client of wss.clients) client.close(CloseCode.InternalServerError, internalReason(err));
  });
  wss.on('connection', (socket: Held, request: IncomingMessage) => {
    const extra: HeldSocket = { socket, request, openedAt: Date.now(), initialised: false };
    const connection = new Connection(socket, extra);
    socket[CONNECTION] = connection;
    socket.once('error', onError);
    socket.on('pong', onPong);
    socket.on('message', onMessage);
    socket.once('close', onClose);
    connection.closed = server.opened(connection, extra as E);
  });

  let lastPing = Date.now();
  const sweep = setInterval(() => {
    const now = Date.now();
    const ping = now - lastPing >= options.keepAliveMs;
    if (ping) lastPing = now;
    for (const client of wss.clients) {
      const socket = client as Held;
      const connection = socket[CONNECTION];
      if (!connection || socket.readyState !== socket.OPEN) continue;
      const { extra } = connection;
      if (!extra.initialised && now - extra.openedAt >= options.connectionInitWaitMs) {
        socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
        continue;
      }
      options.check?.(extra as E, now);
      if (ping) {
        if (!connection.alive) {
          socket.terminate();
          continue;
        }
        connection.alive = false;
        socket.ping();
      }
    }
  }, options.sweepMs).unref();

  return {
    async dispose() {
      clearInterval(sweep);
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function limitReason(reason: string, whenTooLong: string): string {
  return reason.length < 124 ? reason : whenTooLong;
}
