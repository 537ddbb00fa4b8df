/**
 * Blob trigger receipts: which version (ETag) of which blob each function has already processed, kept in
 * `<store>/blob-receipts.json` so a restart does not run old blobs again (the host keeps receipts in the
 * `azure-webjobs-hosts` container). Written atomically (temporary file, then rename).
 */
import fs from 'node:fs';
import path from 'node:path';

type Receipts = Record<string, Record<string, string>>;

export class BlobReceipts {
  private receipts: Receipts = {};
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string | undefined) {
    if (!file) return;
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) this.receipts = parsed as Receipts;
    } catch {
      // No receipts yet (or an unreadable file): every blob is new.
    }
  }

  has(functionName: string, blobPath: string, etag: string): boolean {
    return this.receipts[functionName]?.[blobPath] === etag;
  }

  add(functionName: string, blobPath: string, etag: string): Promise<void> {
    (this.receipts[functionName] ??= {})[blobPath] = etag;
    return this.save();
  }

  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    this.writing = this.writing.then(async () => {
      const temp = `${file}.${process.pid}.tmp`;
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(temp, JSON.stringify(this.receipts, null, 2));
      await fs.promises.rename(temp, file);
    });
    return this.writing;
  }
}
