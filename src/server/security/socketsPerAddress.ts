// Open websockets per client address: one address may not hold an unbounded number of sockets
// (each costs memory and a file descriptor). Counted when a socket opens, released when it closes.
export class SocketsPerAddress {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Whether one more socket from `address` may open. */
  allows(address: string): boolean {
    return (this.open.get(address) ?? 0) < this.max;
  }

  /** Counts an opened socket; call the returned function once, when it closes. */
  opened(address: string): () => void {
    this.open.set(address, (this.open.get(address) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left <= 0) this.open.delete(address);
      else this.open.set(address, left);
    };
  }

  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
