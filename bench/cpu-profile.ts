/** Takes a V8 CPU profile of a stretch of work in this process and sums it by function, for the bench's `--profile` summary. */
import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  /** `name (file:line)`: the file relative to `node_modules` or to the working directory. */
  fn: string;
  /** Share of the busy samples (idle and the profiler's own "(program)" left out), 0–1. */
  share: number;
  ms: number;
}

/** Starts the profiler; the function it returns stops it and gives the profile. */
export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // 200 µs between samples: fine enough for functions that take a few µs per delivery.
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile as CpuProfile;
  };
}

function label(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const path = frame.url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  const short = modules >= 0 ? path.slice(modules + 'node_modules/'.length) : path.startsWith('/') ? relative(process.cwd(), path) : path;
  return `${name} (${short}:${frame.lineNumber + 1})`;
}

/** The `top` functions by self time over the profiles together. */
export function topSelfTime(profiles: readonly CpuProfile[], top = 10): SelfTime[] {
  const totals = new Map<string, number>();
  let busy = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const deltas = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      const node = byId.get(id);
      if (node === undefined) return;
      const fn = label(node.callFrame);
      if (fn === '(idle)' || fn === '(program)') return;
      const micros = deltas[i] ?? 0;
      totals.set(fn, (totals.get(fn) ?? 0) + micros);
      busy += micros;
    });
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, micros]) => ({ fn, share: busy === 0 ? 0 : micros / busy, ms: micros / 1000 }));
}
