/**
 * Queue message text as the host reads and writes it: base64 of the UTF-8 bytes by default, or the text as it is
 * when host.json says `extensions.queues.messageEncoding: "none"`.
 */
import type { QueueOptions } from './types.js';

export function encodeMessage(content: string | Uint8Array, encoding: QueueOptions['messageEncoding']): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8');
}

/** The message text a function receives: decoded from base64 when the host expects that. */
export function decodeMessage(text: string, encoding: QueueOptions['messageEncoding']): string {
  if (encoding === 'none') return text;
  return Buffer.from(text, 'base64').toString('utf8');
}

/** For display: the base64-decoded text when the message is valid base64 of valid UTF-8 text, else the raw text. */
export function displayText(text: string): string {
  const compact = text.trim();
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return text;
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
    // Control characters other than whitespace mean binary content that happens to decode.
    return /[\u0000-\u0008\u000e-\u001f]/.test(decoded) ? text : decoded;
  } catch {
    return text;
  }
}

/** The text of a value a caller enqueues: strings as they are, bytes as bytes, anything else as JSON. */
export function messageContent(message: string | Uint8Array | object): string | Uint8Array {
  if (typeof message === 'string' || message instanceof Uint8Array) return message;
  return JSON.stringify(message);
}
