/**
 * A language server in a process of its own, spoken to over stdio as an editor would (`Content-Length` framed
 * JSON-RPC): for the tests of the real bundle (dist/lint-server.js) and the bench's time to first diagnostics. The
 * server's own requests (settings, registrations, progress) get empty answers.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export interface Diagnostic {
  code?: unknown;
  message: string;
}

interface Message {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
}

export class StdioLanguageServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(script: string, env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, [script, '--stdio'], { env, stdio: 'pipe' });
    this.child.stdout.on('data', (chunk: Buffer) => this.received(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const { reject } of this.waiting.values()) reject(new Error(`the server exited: ${this.stderr.join('')}`));
      this.waiting.clear();
    });
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** `initialize` for a client that pulls diagnostics, then `initialized`. */
  async initialize(folder: string): Promise<void> {
    const uri = pathToFileURL(folder).href;
    await this.request('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'workspace' }],
      capabilities: {
        textDocument: { diagnostic: { dynamicRegistration: false }, publishDiagnostics: {} },
        workspace: { configuration: true, workspaceFolders: true, diagnostics: { refreshSupport: false } },
      },
    });
    this.notify('initialized', {});
  }

  open(file: string, text: string): void {
    const uri = pathToFileURL(file).href;
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
  }

  /** The buffer's whole new text (`version` counts up from 2). */
  change(file: string, text: string, version: number): void {
    const uri = pathToFileURL(file).href;
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async pull(file: string): Promise<{ items: Diagnostic[] }> {
    const uri = pathToFileURL(file).href;
    return (await this.request('textDocument/diagnostic', { textDocument: { uri } })) as { items: Diagnostic[] };
  }

  /** Opens a file's text and pulls its diagnostics. */
  async diagnostics(file: string, text: string): Promise<{ items: Diagnostic[] }> {
    this.open(file, text);
    return this.pull(file);
  }

  /** `shutdown` and `exit`, as an editor closing; resolves with the exit code. */
  async stop(): Promise<number | null> {
    await this.request('shutdown', null);
    this.notify('exit', null);
    return this.exited;
  }

  kill(): void {
    this.child.kill();
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  private received(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.handle(JSON.parse(body) as Message);
    }
  }

  private handle(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request of the server: settings (defaults), capability registrations, progress tokens.
      const result = message.method === 'workspace/configuration' ? [null] : null;
      this.send({ id: message.id, result });
      return;
    }
    if (message.method !== undefined) return; // notifications: logs, pushed diagnostics
    const waiting = this.waiting.get(message.id as number);
    if (!waiting) return;
    this.waiting.delete(message.id as number);
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  }
}
