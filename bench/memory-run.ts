/**
 * The webhook bench's memory run in a process of its own: 100,000 deliveries through a fresh container,
 * so its peak RSS is that of a Tessera process doing the job, not of a bench process that already ran
 * every round before it (heap grown by earlier runs, their freed pages not yet handed back).
 */
import 'reflect-metadata';
import { dispatcherRun, type DispatcherRunFigures } from './webhook-bench.js';

export interface MemoryRunOptions {
  origin: string;
  tokenUrl: string;
  deliveries: number;
}

const options = JSON.parse(process.argv[2] as string) as MemoryRunOptions;
const figures: DispatcherRunFigures = await dispatcherRun({ ...options, endpoints: 1, sampleRss: true });
await new Promise<void>((resolve) => process.send?.(figures, () => resolve()));
process.disconnect();
