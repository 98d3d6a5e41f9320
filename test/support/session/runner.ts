/**
 * Runs an operator session against the built maglevd and vpp-lb-sim with real HTTP backends on
 * loopback: applies each step, waits until everything has settled, and checks it against the
 * model — the daemon is alive, every backend is in the state the model says, VPP holds exactly
 * the weights the model computes, the gRPC views agree, and every transition was logged once.
 */
import { MaglevCallError } from '../../../lib/api/client.js';
import { DemoBackendServer } from '../../../lib/demo/backend-server.js';
import { type LoggedProcess, observe, startMaglevd, startSim, Workspace, weightsOf } from '../e2e-harness.js';
import {
  ADDRESSES,
  HEALTH_PORT_PLACEHOLDER,
  INITIAL,
  Model,
  nextStep,
  Rng,
  renderSpec,
  type Step,
} from './model.js';

export interface SessionResult {
  readonly steps: Step[];
  /** The index of the failing step, or -1. */
  readonly failedAt: number;
  readonly error: string;
}

const codeOf = (e: unknown): number => (e instanceof MaglevCallError ? e.code : e ? -1 : 0);

class Session {
  readonly ws = new Workspace();
  readonly model = new Model(INITIAL);
  readonly servers = new Map<string, DemoBackendServer>();
  port = 0;
  sim!: LoggedProcess;
  obs!: Awaited<ReturnType<typeof observe>>;
  maglevd!: Awaited<ReturnType<typeof startMaglevd>>;
  /** Log lines of the current maglevd checked so far, and each backend's last logged state. */
  #checked = 0;
  #last = new Map<string, string>();

  async start(): Promise<void> {
    for (const address of ADDRESSES) {
      const s = new DemoBackendServer({ name: address, address, port: this.port });
      this.port = await s.start();
      this.servers.set(address, s);
    }
    this.ws.writeConfig(renderSpec(this.model.spec, this.port));
    this.sim = await startSim(this.ws);
    this.obs = await observe(this.ws);
    await this.#startMaglevd();
  }

  async #startMaglevd(): Promise<void> {
    this.maglevd = await startMaglevd(this.ws);
    this.#checked = 0;
    this.#last = new Map();
  }

  async close(): Promise<void> {
    this.maglevd?.client.close();
    await this.maglevd?.proc.stop('SIGKILL');
    await this.obs?.conn.close().catch(() => undefined);
    await this.sim?.stop();
    for (const s of this.servers.values()) await s.stop();
    this.ws.remove();
  }

  async apply(step: Step): Promise<void> {
    const { proc, client } = this.maglevd;
    switch (step.kind) {
      case 'reload':
      case 'reload-broken': {
        const text =
          step.kind === 'reload'
            ? renderSpec(step.spec, this.port)
            : step.text.replaceAll(HEALTH_PORT_PLACEHOLDER, String(this.port));
        this.ws.writeConfig(text);
        const ok = step.kind === 'reload';
        if (step.via === 'sighup') {
          const from = proc.lines.length;
          proc.child.kill('SIGHUP');
          const line = await proc.waitLog((l) => l.msg.startsWith('config-reload'), 30_000, from);
          if ((line.msg === 'config-reload') !== ok)
            throw new Error(`reload answered ${line.msg}: ${line.err}`);
        } else {
          const r = await client.reloadConfig();
          if (r.ok !== ok) throw new Error(`ReloadConfig ok=${r.ok}: ${r.parseError}${r.semanticError}`);
        }
        if (step.kind === 'reload') this.model.reload(step.spec);
        // The operator puts the running config back in the file.
        else this.ws.writeConfig(renderSpec(this.model.spec, this.port));
        return;
      }
      case 'health':
        this.servers.get(step.address)?.setHealthy(step.healthy);
        this.model.healthy.set(step.address, step.healthy);
        return;
      case 'crash':
        await this.servers.get(step.address)?.stop();
        this.model.listening.set(step.address, false);
        return;
      case 'revive':
        await this.servers.get(step.address)?.start();
        this.model.listening.set(step.address, true);
        return;
      case 'act': {
        const want = this.model.act(step.action, step.backend);
        const call = {
          pause: () => client.pauseBackend(step.backend),
          resume: () => client.resumeBackend(step.backend),
          disable: () => client.disableBackend(step.backend),
          enable: () => client.enableBackend(step.backend),
        }[step.action];
        const got = codeOf(
          await call().then(
            () => null,
            (e: unknown) => e,
          ),
        );
        if (got !== want) throw new Error(`${step.action} ${step.backend}: status ${got}, want ${want}`);
        return;
      }
      case 'weight': {
        const want = this.model.setWeight(step.frontend, step.pool, step.backend, step.weight);
        const got = codeOf(
          await client.setFrontendPoolBackendWeight(step).then(
            () => null,
            (e: unknown) => e,
          ),
        );
        if (got !== want) throw new Error(`set weight: status ${got}, want ${want}`);
        return;
      }
      case 'restart-sim':
        await this.obs.conn.close().catch(() => undefined);
        await this.sim.stop();
        this.sim = await startSim(this.ws);
        this.obs = await observe(this.ws);
        return;
      case 'restart-maglevd':
        this.maglevd.client.close();
        await this.maglevd.proc.stop('SIGKILL');
        await this.#startMaglevd();
        return;
    }
  }

  /** What differs between the world and the model now; null when they agree. */
  async mismatch(): Promise<string | null> {
    const { proc, client } = this.maglevd;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      return `maglevd exited: ${proc.stderr.slice(-5).join('\n')}`;
    const m = this.model;
    const backends = await client.listBackends();
    const want = Object.keys(m.spec.backends);
    if (JSON.stringify(backends.names) !== JSON.stringify(want))
      return `backends ${backends.names} != ${want}`;
    for (const b of backends.backends) {
      if (b.state !== m.state(b.name))
        return `backend ${b.name} is ${b.state}, model says ${m.state(b.name)}`;
    }
    const frontends = await client.listFrontends();
    const effective = m.effective();
    const got: typeof effective = {};
    for (const fe of frontends.frontends) {
      got[fe.name] = Object.fromEntries(
        fe.pools.map((p) => [p.name, Object.fromEntries(p.backends.map((b) => [b.name, b.effectiveWeight]))]),
      );
    }
    if (JSON.stringify(got) !== JSON.stringify(effective))
      return `gRPC effective weights ${JSON.stringify(got)} != ${JSON.stringify(effective)}`;
    const state = await this.obs.lb.getState();
    const vpp = m.vpp();
    const prefixes = state.vips.map((v) => v.prefix).sort();
    if (JSON.stringify(prefixes) !== JSON.stringify(Object.keys(vpp).sort()))
      return `VPP VIPs ${prefixes} != ${Object.keys(vpp).sort()}`;
    for (const [prefix, ases] of Object.entries(vpp)) {
      const have = weightsOf(state, prefix);
      if (JSON.stringify(sorted(have)) !== JSON.stringify(sorted(ases)))
        return `VPP ${prefix} ${JSON.stringify(sorted(have))} != ${JSON.stringify(sorted(ases))}`;
    }
    return null;
  }

  /** Waits until the world agrees with the model; throws the last difference. */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: string | null = 'not checked';
    while (Date.now() < deadline) {
      last = await this.mismatch().catch((e: unknown) => `check failed: ${(e as Error).message}`);
      if (last === null) {
        this.#checkLog();
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`did not settle in ${timeoutMs} ms: ${last}`);
  }

  /** Each backend's logged transitions chain (from = the previous to): none is logged twice. */
  #checkLog(): void {
    const lines = this.maglevd.proc.lines;
    for (; this.#checked < lines.length; this.#checked++) {
      const l = lines[this.#checked]!;
      if (l.msg !== 'backend-transition') continue;
      const backend = String(l.backend);
      const last = this.#last.get(backend);
      if (last !== undefined && last !== l.from)
        throw new Error(
          `backend-transition of ${backend} from ${l.from} after one to ${last}: logged twice or lost`,
        );
      if (l.to === 'removed') this.#last.delete(backend);
      else this.#last.set(backend, String(l.to));
    }
  }
}

function sorted(o: Record<string, number>): Array<[string, number]> {
  return Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/**
 * One session: `plan` is either a count of steps to generate from `seed`, or the exact steps to
 * replay. Returns the steps run and where it failed.
 */
export async function runSession(
  seed: number,
  plan: number | readonly Step[],
  log?: (s: string) => void,
  verbose = false,
): Promise<SessionResult> {
  const rng = new Rng(seed);
  const session = new Session();
  const steps: Step[] = [];
  try {
    await session.start();
    await session.settle();
    const count = typeof plan === 'number' ? plan : plan.length;
    for (let i = 0; i < count; i++) {
      const step = typeof plan === 'number' ? nextStep(rng, session.model.spec) : (plan[i] as Step);
      steps.push(step);
      try {
        await session.apply(step);
        await session.settle();
      } catch (e) {
        return { steps, failedAt: i, error: (e as Error).message };
      }
      if (verbose) log?.(`${i + 1} ${JSON.stringify(step).slice(0, 160)}`);
      else if (log && i % 50 === 49) log(`seed ${seed}: ${i + 1} steps`);
    }
    return { steps, failedAt: -1, error: '' };
  } finally {
    await session.close();
  }
}

/**
 * Shrinks a failing sequence by replaying it with chunks left out (halves, then quarters ...),
 * keeping every reduction that still fails, within a time budget. Every step is applicable in
 * any context (reloads carry the whole file; actions on missing names expect NOT_FOUND).
 */
export async function shrink(seed: number, failing: readonly Step[], budgetMs: number): Promise<Step[]> {
  let best = [...failing];
  const deadline = Date.now() + budgetMs;
  for (let size = Math.max(1, Math.floor(best.length / 2)); size >= 1; size = Math.floor(size / 2)) {
    for (let start = 0; start < best.length - 1 && Date.now() < deadline; ) {
      // The last step is the failing one: keep it.
      const candidate = [...best.slice(0, start), ...best.slice(Math.min(start + size, best.length - 1))];
      if (candidate.length === best.length) break;
      const r = await runSession(seed, candidate);
      if (r.failedAt >= 0) best = r.steps;
      else start += size;
    }
    if (Date.now() >= deadline) break;
  }
  return best;
}
