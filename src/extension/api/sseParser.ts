/**
 * A server-sent events parser, as the HTML standard's "event stream interpretation" specifies it, fed with byte
 * chunks split anywhere (inside a line, between CR and LF, inside a UTF-8 sequence). Lines end with CRLF, LF or
 * CR; a blank line dispatches the event; `data` lines join with LF; lines starting with `:` are comments (the
 * emulator's heartbeats); an unfinished event at the end of the stream is discarded.
 */

export interface SseMessage {
  /** The `event` field; `message` when absent. */
  event: string;
  data: string;
  /** The last `id` seen on the stream (kept across messages, as the standard says). */
  lastEventId: string;
}

export interface SseHandlers {
  onMessage(message: SseMessage): void;
  /** A comment line, without its leading colon (and one space after it). */
  onComment?(text: string): void;
  /** A valid `retry` field: the reconnection time the server asks for, in milliseconds. */
  onRetry?(ms: number): void;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** The previous chunk ended with CR: a LF opening the next one belongs to the same line end. */
  private skipLeadingLf = false;
  private firstChunk = true;
  private eventType = '';
  private data: string[] = [];
  private lastEventId = '';

  constructor(private readonly handlers: SseHandlers) {}

  /** Feeds bytes as they arrive. */
  push(chunk: Uint8Array): void {
    this.pushText(this.decoder.decode(chunk, { stream: true }));
  }

  /** Feeds already decoded text (for tests and non-byte sources). */
  pushText(text: string): void {
    if (this.firstChunk && text.length > 0) {
      this.firstChunk = false;
      if (text.startsWith('\uFEFF')) text = text.slice(1); // one leading BOM is ignored
    }
    if (this.skipLeadingLf && text.length > 0) {
      this.skipLeadingLf = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    let start = 0;
    for (;;) {
      const end = nextLineEnd(this.buffer, start);
      if (end < 0) break;
      this.processLine(this.buffer.slice(start, end));
      if (this.buffer[end] === '\r') {
        if (end + 1 === this.buffer.length) {
          // The LF of a CRLF may be the first character of the next chunk.
          this.skipLeadingLf = true;
          start = end + 1;
          break;
        }
        start = this.buffer[end + 1] === '\n' ? end + 2 : end + 1;
      } else {
        start = end + 1;
      }
    }
    this.buffer = this.buffer.slice(start);
  }

  /** The stream ended: a partial line or undispatched event is dropped; the parser is ready for a new stream. */
  reset(): void {
    this.decoder.decode(); // flush a truncated UTF-8 sequence
    this.buffer = '';
    this.skipLeadingLf = false;
    this.firstChunk = true;
    this.eventType = '';
    this.data = [];
  }

  private processLine(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.handlers.onComment?.(line.slice(line.startsWith(': ') ? 2 : 1));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.handlers.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.eventType;
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return; // no data field: nothing to dispatch
    this.handlers.onMessage({
      event: event === '' ? 'message' : event,
      data: data.join('\n'),
      lastEventId: this.lastEventId,
    });
  }
}

function nextLineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
