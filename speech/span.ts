// A stretch of a recording in seconds, [from, to): a voice-activity region, a reply, an utterance.
export interface Span {
  from: number;
  to: number;
}
