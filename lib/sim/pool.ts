/** A pool with VPP's index discipline: free slots reused last-freed first, records kept. */
export class Pool<T> {
  readonly items: T[] = [];
  readonly free: boolean[] = [];
  readonly freeList: number[] = [];

  /** Index to (re)use and the record left in it, if any (stale fields and all). */
  get(make: () => T): { index: number; item: T } {
    const index = this.freeList.pop();
    if (index !== undefined) {
      this.free[index] = false;
      return { index, item: this.items[index] as T };
    }
    const item = make();
    this.items.push(item);
    this.free.push(false);
    return { index: this.items.length - 1, item };
  }

  /** Overwrites the record of a live slot (for pools of plain values). */
  set(index: number, item: T): void {
    this.items[index] = item;
  }

  put(index: number): void {
    this.free[index] = true;
    this.freeList.push(index);
  }

  *entries(): Generator<[number, T]> {
    for (let i = 0; i < this.items.length; i++) if (!this.free[i]) yield [i, this.items[i] as T];
  }

  get size(): number {
    return this.items.length - this.freeList.length;
  }
}
