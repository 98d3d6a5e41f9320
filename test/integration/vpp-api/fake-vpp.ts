/**
 * A small VPP API server on a real unix socket, built on the vpp-api codec and framing: the
 * handshake, control_ping, sockclnt_delete, lb_add_del_as_v2 and lb_as_v2_dump, with knobs to
 * drop messages from the table, stop answering, reorder or split replies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import {
  defaultVppCodec,
  type LbAddDelAsV2,
  type LbAsV2DetailsInput,
  readMessageId,
  type VppCodec,
  VppFrameReader,
  type VppMessageCodec,
} from '../../../vpp-api/index.js';

export interface FakeVppOptions {
  /** Messages left out of the message table (as an older VPP would). */
  readonly omit?: readonly string[];
  /** Table names to list instead of ours, e.g. `{lb_as_v2_dump: 'lb_as_v2_dump_deadbeef'}`. */
  readonly rename?: Readonly<Record<string, string>>;
  readonly clientIndex?: number;
  /** sockclnt_create_reply.response; nonzero refuses the client. */
  readonly handshakeResponse?: number;
  /** Answer the handshake with a context other than the request's. */
  readonly wrongHandshakeContext?: boolean;
}

export interface ReceivedMessage {
  readonly name: string;
  readonly context: number | undefined;
  readonly clientIndex: number | undefined;
  readonly message: unknown;
}

/** How replies go out: merged into one write per received chunk, reversed within it, or byte by byte. */
export type ReplyMode = 'merged' | 'reversed' | 'bytewise';

export class FakeVpp {
  readonly codec: VppCodec = defaultVppCodec();
  readonly received: ReceivedMessage[] = [];
  /** When true, every message after the handshake is recorded but not answered. */
  silent = false;
  /** When true, replies are kept back until releaseHeld(). */
  hold = false;
  private held: { socket: Socket; frames: Buffer[] }[] = [];
  mode: ReplyMode = 'merged';
  /** Rows answered to lb_as_v2_dump. */
  asRows: LbAsV2DetailsInput[] = [];
  /** retval for an lb_add_del_as_v2 request; default 0. */
  addDelAsRetval: (m: LbAddDelAsV2) => number = () => 0;
  /** Counts, to show that frames were merged in both directions. */
  framesIn = 0;
  chunksIn = 0;
  framesOut = 0;
  writesOut = 0;
  private readonly ids = new Map<string, number>();
  private readonly byId = new Map<number, VppMessageCodec>();
  private readonly table: { index: number; name: string }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters: (() => void)[] = [];
  private readonly clientIndex: number;

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly socketPath: string,
    private readonly options: FakeVppOptions,
  ) {
    this.clientIndex = options.clientIndex ?? 0x80000001;
    for (const e of this.codec.messageTable()) {
      const name = e.name.slice(0, e.name.lastIndexOf('_'));
      if (options.omit?.includes(name)) continue;
      // Ids other than memclnt's are arbitrary in VPP; offset them so nothing relies on our order.
      const index = e.index > 28 ? e.index + 900 : e.index;
      this.table.push({ index, name: options.rename?.[name] ?? e.name });
      this.ids.set(name, index);
      this.byId.set(index, this.codec.message(name));
    }
  }

  static async start(options: FakeVppOptions = {}): Promise<FakeVpp> {
    const dir = await mkdtemp(join(tmpdir(), 'vpp-api-test-'));
    const socketPath = join(dir, 'api.sock');
    const server = createServer();
    const fake = new FakeVpp(server, dir, socketPath, options);
    server.on('connection', (s) => fake.serve(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    return fake;
  }

  /** Resolves once a received message satisfies `pred`. */
  async waitFor(pred: (m: ReceivedMessage) => boolean): Promise<ReceivedMessage> {
    for (;;) {
      const found = this.received.find(pred);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once no client socket is open. */
  async waitForNoClients(): Promise<void> {
    while (this.sockets.size > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Drops every client connection, as a VPP restart would. */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Sends the replies kept back while `hold` was set. */
  releaseHeld(): void {
    for (const h of this.held.splice(0)) void this.send(h.socket, h.frames);
  }

  /** Writes raw bytes to every client. */
  writeRaw(bytes: Uint8Array): void {
    for (const s of this.sockets) s.write(bytes);
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.notify();
    });
    socket.on('error', () => {});
    const reader = new VppFrameReader((payload) => {
      this.framesIn++;
      out.push(...this.handle(socket, payload));
    });
    let out: Buffer[] = [];
    // Byte-wise sends span several turns; chaining keeps their bytes in order.
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      this.chunksIn++;
      out = [];
      reader.push(chunk);
      const frames = this.mode === 'reversed' ? out.reverse() : out;
      if (this.hold) this.held.push({ socket, frames });
      else chain = chain.then(() => this.send(socket, frames));
      this.notify();
    });
  }

  private async send(socket: Socket, frames: Buffer[]): Promise<void> {
    if (frames.length === 0) return;
    this.framesOut += frames.length;
    const all = Buffer.concat(frames);
    if (this.mode !== 'bytewise') {
      this.writesOut++;
      socket.write(all);
      return;
    }
    for (let i = 0; i < all.length; i++) {
      if (socket.destroyed) return;
      this.writesOut++;
      socket.write(all.subarray(i, i + 1));
      await tick();
    }
  }

  private reply(name: string, msg: unknown, context: number | undefined): Buffer {
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`fake VPP lacks ${name}`);
    return this.codec.message(name).encodeFrame(msg, id, context ?? 0);
  }

  private handle(socket: Socket, payload: Buffer): Buffer[] {
    const id = readMessageId(payload);
    if (id === 15) {
      const create = this.codec.message('sockclnt_create');
      this.received.push({
        name: 'sockclnt_create',
        context: create.readContext(payload),
        clientIndex: undefined,
        message: create.decode(payload),
      });
      const reply = this.codec.message('sockclnt_create_reply');
      return [
        reply.encodeFrame(
          {
            response: this.options.handshakeResponse ?? 0,
            index: this.clientIndex,
            message_table: this.table,
          },
          16,
          (create.readContext(payload) ?? 0) + (this.options.wrongHandshakeContext ? 1 : 0),
          0,
        ),
      ];
    }
    const codec = id === undefined ? undefined : this.byId.get(id);
    if (!codec) return []; // VPP drops unknown ids silently.
    const context = codec.readContext(payload);
    const message = codec.decode(payload);
    this.received.push({ name: codec.name, context, clientIndex: codec.readClientIndex(payload), message });
    if (this.silent) return [];
    switch (codec.name) {
      case 'control_ping':
        return [
          this.reply(
            'control_ping_reply',
            { retval: 0, client_index: this.clientIndex, vpe_pid: 4242 },
            context,
          ),
        ];
      case 'sockclnt_delete':
        setImmediate(() => socket.end());
        return [this.reply('sockclnt_delete_reply', { response: 1 }, context)];
      case 'lb_add_del_as_v2':
        return [
          this.reply(
            'lb_add_del_as_v2_reply',
            { retval: this.addDelAsRetval(message as LbAddDelAsV2) },
            context,
          ),
        ];
      case 'lb_as_v2_dump':
        return this.asRows.map((r) => this.reply('lb_as_v2_details', r, context));
      default: {
        const svc = this.codec.service(codec.name);
        return svc && !svc.stream ? [this.reply(svc.reply, {}, context)] : [];
      }
    }
  }
}
