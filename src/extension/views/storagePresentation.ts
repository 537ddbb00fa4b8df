/**
 * How queues, messages and blobs read in the Storage view, without VS Code (unit-tested): counts, sizes, a
 * message's first line, tooltips, whether a blob's bytes are text, and the content type an upload is sent with.
 */
import type { BlobSummary, QueueMessage, StorageInfo } from '../api/index.js';
import { escapeMarkdown } from './instancePresentation.js';

/** `1 message`, `12 messages`, `not created yet` (the app names a queue nobody created). */
export function queueDescription(count: number | undefined): string {
  if (count === undefined) return 'not created yet';
  return count === 1 ? '1 message' : `${count} messages`;
}

/** `0 B`, `512 B`, `1.5 KB`, `12 MB`. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The first non-empty line of a message, at most `max` characters; `(empty message)` for none. */
export function messagePreview(text: string, max = 60): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return '(empty message)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function messageDescription(message: QueueMessage): string {
  return message.dequeueCount > 0 ? `dequeued ${message.dequeueCount}×` : '';
}

/** Markdown: id, dequeue count, inserted and expiry times, and the text (up to 1,500 characters). */
export function messageTooltip(message: QueueMessage): string {
  const text = message.text.length > 1500 ? `${message.text.slice(0, 1499)}…` : message.text;
  return [
    `**Message** \`${message.id}\``,
    `Dequeue count: ${message.dequeueCount}`,
    `Inserted: ${message.insertedOn}`,
    `Expires: ${message.expiresOn}`,
    '```\n' + text.replace(/```/g, '`\u200b``') + '\n```',
  ].join('\n\n');
}

export function blobTooltip(container: string, blob: BlobSummary): string {
  return [
    `**${escapeMarkdown(`${container}/${blob.name}`)}**`,
    `Size: ${formatSize(blob.size)} (${blob.size} bytes)`,
    `Last modified: ${blob.lastModified}`,
    ...(blob.contentType ? [`Content type: \`${blob.contentType}\``] : []),
  ].join('\n\n');
}

/** The view's description: where the storage lives. */
export function storageDescription(info: StorageInfo): string {
  return info.connection === 'azurite' ? 'Azurite' : `account ${info.account}`;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]*\+(json|xml)))/i;
const BINARY_TYPES = /^(image|audio|video|font)\/|^application\/(octet-stream|zip|gzip|pdf|x-tar)/i;

/**
 * The blob's text when it is text: its content type says so, or (for none or `application/octet-stream`) its
 * bytes are valid UTF-8 without NUL characters. undefined for binary content.
 */
export function blobText(bytes: Uint8Array, contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim() ?? '';
  const declaredText = TEXT_TYPES.test(type);
  if (!declaredText && BINARY_TYPES.test(type) && type.toLowerCase() !== 'application/octet-stream') return undefined;
  if (!declaredText && bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: !declaredText }).decode(bytes);
  } catch {
    return undefined;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.md': 'text/markdown',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

/** The content type an upload is sent with, from the file name's extension. */
export function contentTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot >= 0 ? fileName.slice(dot).toLowerCase() : '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** A blob name a user typed: no leading slash, no empty, `.` or `..` part. undefined when it is fine. */
export function blobNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'Enter a blob name.';
  if (trimmed.startsWith('/')) return 'A blob name does not start with "/".';
  if (trimmed.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    return 'A blob name has no empty, "." or ".." part.';
  }
  return undefined;
}
