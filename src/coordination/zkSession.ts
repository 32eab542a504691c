// One ZooKeeper session for the whole gateway, kept alive across failures.
//
// node-zookeeper-client already reconnects by itself while the session lives, and re-sends the
// session's watches when it does (SetWatches). What it does not do is survive the session's
// expiry: the client goes to EXPIRED and then closes for good, its watches and ephemeral nodes
// gone. This class then builds a new client (a new session) and tells its users, who re-read
// what they watch and re-create their ephemeral nodes.
//
// Users listen to four events:
//   'session'      a new session is up (first connect, or after an expiry): read everything, set watches
//   'reconnected'  the same session is back after a disconnect: watches survived, re-reading is safe
//   'disconnected' the connection is gone; the session may still come back
//   'expired'      the session is gone; a new one is on its way
//
// One more gap is covered here: node-zookeeper-client stops its connect timer once TCP connects,
// and only starts its read timeout once the session handshake is answered. A server that accepts
// the connection but never answers (a ZooKeeper still starting up does this) leaves the client
// waiting forever. A watchdog drops such a connection after `handshakeTimeoutMs`; the client then
// tries again as it does after any lost connection.
import { State, type Client } from 'node-zookeeper-client';
import type { Logger } from '../logger';
import type { ZooKeeperAuth } from '../config';
import { discardClient } from './zk';
import { presentCredentials } from './zkAcl';

/** Clients that reached SYNC_CONNECTED at least once (their close() is safe). */
const everConnected = new WeakSet<Client>();

export type SessionEvent = 'session' | 'reconnected' | 'disconnected' | 'expired';
export type SessionListener = (client: Client, generation: number) => void;

export interface ZooKeeperSessionOptions {
  /** host:port[,host:port...] */
  connect: string;
  sessionTimeoutMs: number;
  logger: Logger;
  /** Longest random pause between rounds of connection attempts (ms). */
  spinDelayMs?: number;
  /** How long an accepted connection may wait for the session handshake's answer (ms). */
  handshakeTimeoutMs?: number;
  /** Digest credentials presented on every session (ZOOKEEPER_AUTH); null: none. */
  auth?: ZooKeeperAuth | null;
  /**
   * Makes the client of each session (a new one after an expiry): the composition root passes
   * node-zookeeper-client's createClient, tests may pass a maker that reuses a session id.
   */
  clientFactory: (connect: string, options: { sessionTimeout: number; spinDelay: number; retries: number }) => Client;
}

export class ZooKeeperSession {
  private readonly connectString: string;
  private readonly sessionTimeoutMs: number;
  private readonly spinDelayMs: number;
  private readonly logger: Logger;
  private readonly clientFactory: ZooKeeperSessionOptions['clientFactory'];
  private readonly auth: ZooKeeperAuth | null;
  private readonly listeners = new Map<SessionEvent, Set<SessionListener>>();
  private currentClient: Client | null = null;
  private gen = 0;
  private isConnected = false;
  private closed = false;
  private disconnectedAt: number | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private readonly handshakeTimeoutMs: number;
  private watchdog: NodeJS.Timeout | null = null;
  private handshake: { socket: unknown; since: number } | null = null;

  constructor({ connect, sessionTimeoutMs, logger, spinDelayMs = 1000, handshakeTimeoutMs, auth = null, clientFactory }: ZooKeeperSessionOptions) {
    this.auth = auth;
    this.handshakeTimeoutMs = handshakeTimeoutMs ?? Math.min(5000, Math.max(1000, Math.floor(sessionTimeoutMs / 3)));
    this.connectString = connect;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.spinDelayMs = spinDelayMs;
    this.logger = logger;
    this.clientFactory = clientFactory;
  }

  /** Starts connecting in the background; never waits. */
  start(): this {
    if (!this.currentClient && !this.closed) {
      this.open();
      this.watchdog = setInterval(() => this.checkHandshake(), Math.max(100, Math.floor(this.handshakeTimeoutMs / 4)));
      this.watchdog.unref?.();
    }
    return this;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Bumped for every new client (= new session); callers tag their work with it and drop stale results. */
  get generation(): number {
    return this.gen;
  }

  /** The client of the current session, or null before start / after close. */
  get client(): Client | null {
    return this.currentClient;
  }

  /** The current session id in hex, for logs (null while not connected). */
  get sessionId(): string | null {
    return this.isConnected && this.currentClient ? this.currentClient.getSessionId().toString('hex') : null;
  }

  on(event: SessionEvent, listener: SessionListener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Resolves true once connected, false after `timeoutMs` without a connection. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.isConnected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        offSession();
        offReconnected();
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        offSession();
        offReconnected();
        resolve(true);
      };
      const offSession = this.on('session', done);
      const offReconnected = this.on('reconnected', done);
    });
  }

  /** Closes the session (its ephemeral nodes go at once). Waits at most `timeoutMs` for the server to confirm. */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    const client = this.currentClient;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.currentClient = null;
    if (!client) return;
    if (!wasConnected) {
      // Never connected, or between reconnects: nothing to say goodbye to, and close() is unsafe
      // on a client that never connected (see discardClient).
      if (everConnected.has(client)) client.close();
      else discardClient(client);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      client.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.close();
    });
  }

  /** Drops a TCP connection whose session handshake has gone unanswered for too long. */
  private checkHandshake(): void {
    const client = this.currentClient;
    if (this.closed || !client || this.isConnected) {
      this.handshake = null;
      return;
    }
    const manager = (client as unknown as { connectionManager?: { state?: number; socket?: { connecting?: boolean; destroyed?: boolean; destroy(): void } } })
      .connectionManager;
    const socket = manager?.socket;
    const CONNECTING = 1; // ConnectionManager.STATES.CONNECTING in node-zookeeper-client 1.1.x
    if (!manager || manager.state !== CONNECTING || !socket || socket.connecting !== false || socket.destroyed) {
      this.handshake = null;
      return;
    }
    if (this.handshake?.socket !== socket) {
      this.handshake = { socket, since: Date.now() };
      return;
    }
    if (Date.now() - this.handshake.since < this.handshakeTimeoutMs) return;
    this.logger.warn(
      { connect: this.connectString, waitedMs: Date.now() - this.handshake.since },
      'zookeeper accepted the connection but never answered the handshake; reconnecting',
    );
    this.handshake = null;
    socket.destroy(); // the client reconnects, as after any lost connection
  }

  private emit(event: SessionEvent, client: Client, generation: number): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(client, generation);
      } catch (err) {
        this.logger.error({ err, event }, 'zookeeper session listener failed');
      }
    }
  }

  private open(): void {
    const generation = ++this.gen;
    const client = this.clientFactory(this.connectString, {
      sessionTimeout: this.sessionTimeoutMs,
      spinDelay: this.spinDelayMs,
      retries: 0,
    });
    this.currentClient = client;
    // Before connect(): the client sends them in its first packets, and again after each reconnect.
    presentCredentials(client, this.auth);
    let established = false;
    client.on('state', (state) => {
      if (this.closed || generation !== this.gen) return;
      if (state === State.SYNC_CONNECTED || state === State.CONNECTED_READ_ONLY) {
        this.isConnected = true;
        const downMs = this.disconnectedAt === null ? null : Date.now() - this.disconnectedAt;
        this.disconnectedAt = null;
        const sessionId = client.getSessionId().toString('hex');
        if (!established) {
          established = true;
          everConnected.add(client);
          this.logger.info({ connect: this.connectString, sessionId, timeoutMs: client.getSessionTimeout(), generation }, 'zookeeper session established');
          this.emit('session', client, generation);
        } else {
          this.logger.info({ sessionId, downMs }, 'zookeeper reconnected (same session)');
          this.emit('reconnected', client, generation);
        }
      } else if (state === State.DISCONNECTED) {
        if (!this.isConnected) return;
        this.isConnected = false;
        this.disconnectedAt = Date.now();
        this.logger.warn({ connect: this.connectString }, 'zookeeper disconnected; retrying, last known state kept');
        this.emit('disconnected', client, generation);
      } else if (state === State.EXPIRED) {
        this.isConnected = false;
        this.disconnectedAt ??= Date.now();
        this.logger.warn({ connect: this.connectString }, 'zookeeper session expired; opening a new session');
        this.emit('expired', client, generation);
        // The expired client closes itself (no retry); start the next session shortly.
        this.renewTimer = setTimeout(() => {
          this.renewTimer = null;
          if (!this.closed && generation === this.gen) this.open();
        }, 50);
      } else if (state === State.AUTH_FAILED) {
        this.logger.error({ connect: this.connectString }, 'zookeeper authentication failed');
      }
    });
    client.connect();
  }
}
