// Keeps the frame to read for each showing, from a second, larger tap of the same decode. The selector
// decides on small grey frames which index is the sharpest of a showing; the large frame with that index
// arrives on its own pipe, earlier or later (the two taps run side by side, same rate, so indices match).
// Large frames wait in a short queue until the selector has looked at their index; then only the region
// of the document (plus a margin) is copied out and kept, one per showing, so memory stays bounded:
// `pendingMax` whole frames plus `maxShowings` crops.
import { cropRgb, padBox, toPixels, type NormBox, type RgbImage } from './types';

export interface KeeperConfig {
  /** Large frames held while the selector has not yet looked at their index. */
  pendingMax: number;
  /** Showings whose crop is kept; later ones are counted, not kept. */
  maxShowings: number;
  /** Margin around the region, as a share of the region's size on each side. */
  margin: number;
}

export const DEFAULT_KEEPER_CONFIG: KeeperConfig = { pendingMax: 12, maxShowings: 48, margin: 0.08 };

export interface LargeFrame {
  t: number;
  index: number;
  width: number;
  height: number;
  /** Packed RGB24. */
  data: Buffer;
}

/** The part of a large frame that shows a document. */
export interface KeptCrop extends RgbImage {
  showingId: number;
  index: number;
  t: number;
  /** Where the crop sits in the large frame (pixels of that frame). */
  rect: { x: number; y: number; w: number; h: number };
  frameWidth: number;
  frameHeight: number;
}

export interface KeeperStats {
  kept: number;
  /** The chosen large frame had already been dropped (the taps drifted apart more than `pendingMax`). */
  missed: number;
  /** Showings beyond `maxShowings`. */
  overflow: number;
  /** Most large frames waiting at once. */
  maxPending: number;
}

export class BestFrameKeeper {
  private readonly pending = new Map<number, LargeFrame>();
  private readonly wanted = new Map<number, { showingId: number; region: NormBox; t: number }>();
  private readonly kept = new Map<number, KeptCrop>();
  /** Showings accepted (at most maxShowings). */
  private readonly showings = new Set<number>();
  /** Highest index the selector has looked at, and the highest large frame offered. */
  private decidedUpTo = -1;
  private newestOffered = -1;
  private readonly stats: KeeperStats = { kept: 0, missed: 0, overflow: 0, maxPending: 0 };

  constructor(readonly config: KeeperConfig = DEFAULT_KEEPER_CONFIG) {}

  /** The selector chose frame `index` (with the document at `region`) as the one to read for a showing. */
  choose(showingId: number, index: number, t: number, region: NormBox): void {
    if (!this.showings.has(showingId)) {
      if (this.showings.size >= this.config.maxShowings) {
        this.stats.overflow++;
        return;
      }
      this.showings.add(showingId);
    }
    // A newer choice for the same showing replaces the older one.
    for (const [i, w] of this.wanted) if (w.showingId === showingId) this.wanted.delete(i);
    const frame = this.pending.get(index);
    if (frame) {
      this.keep(showingId, frame, region);
      return;
    }
    if (index <= this.newestOffered) {
      this.stats.missed++;
      return;
    }
    this.wanted.set(index, { showingId, region, t });
  }

  /** The selector has looked at every index up to `index`: large frames up to it that nobody chose can go. */
  decided(index: number): void {
    this.decidedUpTo = Math.max(this.decidedUpTo, index);
    for (const i of this.pending.keys()) if (i <= this.decidedUpTo) this.pending.delete(i);
  }

  /** A large frame arrived (its buffer may be kept: pass one the caller no longer writes to). */
  offer(frame: LargeFrame): void {
    this.newestOffered = Math.max(this.newestOffered, frame.index);
    const want = this.wanted.get(frame.index);
    if (want) {
      this.wanted.delete(frame.index);
      this.keep(want.showingId, frame, want.region);
      return;
    }
    if (frame.index <= this.decidedUpTo) return;
    this.pending.set(frame.index, frame);
    while (this.pending.size > this.config.pendingMax) {
      const oldest = Math.min(...this.pending.keys());
      this.pending.delete(oldest);
    }
    this.stats.maxPending = Math.max(this.stats.maxPending, this.pending.size);
  }

  crop(showingId: number): KeptCrop | undefined {
    return this.kept.get(showingId);
  }

  /** Drops a showing's crop (after it has been read). */
  release(showingId: number): void {
    this.kept.delete(showingId);
  }

  summary(): KeeperStats & { pending: number; waiting: number } {
    return { ...this.stats, pending: this.pending.size, waiting: this.wanted.size };
  }

  private keep(showingId: number, frame: LargeFrame, region: NormBox): void {
    const rect = toPixels(padBox(region, this.config.margin), frame.width, frame.height);
    const image = cropRgb(frame.data, frame.width, frame.height, rect);
    if (!this.kept.has(showingId)) this.stats.kept++;
    this.kept.set(showingId, { ...image, showingId, index: frame.index, t: frame.t, rect, frameWidth: frame.width, frameHeight: frame.height });
  }
}
