// Item and session ids become dense integers on first sight, so methods can keep their state in
// arrays and typed arrays. The index is the order of first appearance.

export class Interner {
  private readonly index = new Map<string, number>();
  readonly ids: string[] = [];

  /** The id's index, assigning the next one if it is new. */
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }

  /** The id's index, or -1 if it was never interned. */
  get(id: string): number {
    return this.index.get(id) ?? -1;
  }

  get size(): number {
    return this.ids.length;
  }
}

/** A Float64Array that grows (doubling) to hold any index. */
export class GrowableFloat64 {
  data: Float64Array;
  constructor(initial = 1024) {
    this.data = new Float64Array(initial);
  }
  ensure(size: number): Float64Array {
    if (size > this.data.length) {
      let n = this.data.length;
      while (n < size) n *= 2;
      const next = new Float64Array(n);
      next.set(this.data);
      this.data = next;
    }
    return this.data;
  }
}

/** An Int32Array that grows (doubling) to hold any index. */
export class GrowableInt32 {
  data: Int32Array;
  constructor(initial = 1024) {
    this.data = new Int32Array(initial);
  }
  ensure(size: number): Int32Array {
    if (size > this.data.length) {
      let n = this.data.length;
      while (n < size) n *= 2;
      const next = new Int32Array(n);
      next.set(this.data);
      this.data = next;
    }
    return this.data;
  }
}
