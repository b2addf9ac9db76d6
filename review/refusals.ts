// Refusals an anonymous caller can provoke at will (requests for media without a session, sign-ins while
// throttled) are counted here, in memory per server, not written to the catalogue one row each: the
// first of a kind per address in a window goes to the audit, the rest only raise the count (logged when
// the window closes), and past `limit` the caller gets 429 without any database work.
export interface RefusalCount {
  /** The first refusal of this kind from this address in the window: worth one audit row. */
  first: boolean;
  /** Refusals of this kind from this address in the window, this one included. */
  count: number;
  /** Over the limit: answer 429 and do nothing else. */
  limited: boolean;
}

export class RefusalCounter {
  private readonly windows = new Map<string, { from: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly onWindowClosed: (kind: string, address: string, count: number) => void = () => undefined,
    /** Addresses tracked at most (the oldest windows are closed first): memory stays bounded under a flood of addresses. */
    private readonly maxKeys = 10_000,
  ) {}

  note(kind: string, address: string, now = Date.now()): RefusalCount {
    const key = `${kind}\u0000${address}`;
    let w = this.windows.get(key);
    if (w && now - w.from > this.windowMs) {
      this.close(key, w);
      w = undefined;
    }
    if (!w) {
      while (this.windows.size >= this.maxKeys) {
        const [oldest, ow] = this.windows.entries().next().value as [string, { from: number; count: number }];
        this.close(oldest, ow);
      }
      w = { from: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { first: w.count === 1, count: w.count, limited: w.count > this.limit };
  }

  /** Refusals counted in open windows, by kind. */
  totals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, w] of this.windows) {
      const kind = key.slice(0, key.indexOf('\u0000'));
      out[kind] = (out[kind] ?? 0) + w.count;
    }
    return out;
  }

  private close(key: string, w: { count: number }): void {
    this.windows.delete(key);
    const at = key.indexOf('\u0000');
    if (w.count > 1) this.onWindowClosed(key.slice(0, at), key.slice(at + 1), w.count);
  }
}
