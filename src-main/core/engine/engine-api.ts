// A thin typed facade over the dockerode calls whose typings do not match what the engine sends
// (streams typed as buffers, inspect bodies narrower than the API's, options @types/dockerode does
// not know). Each cast is made here, once, against the shape we rely on; callers get typed results.
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import type { EngineStats } from '../stats/formulas';
import type { RawInspect } from './inspect-view';
import type { RawImageConfig } from './run-spec-engine';

const sig = (signal?: AbortSignal): { abortSignal?: AbortSignal } => (signal ? { abortSignal: signal } : {});

/** GET /events as a stream of newline-delimited JSON (dockerode types it as a buffer). */
export async function eventsStream(docker: Dockerode, filters?: Record<string, string[]>): Promise<Readable> {
  return (await docker.getEvents(filters ? { filters } : {})) as unknown as Readable;
}

/** GET /containers/{id}/stats?stream=true: one JSON document per line, every second. */
export async function containerStatsStream(docker: Dockerode, id: string): Promise<Readable> {
  return (await docker.getContainer(id).stats({ stream: true })) as unknown as Readable;
}

/** GET /containers/{id}/stats?stream=false&one-shot=true (API ≥ 1.41: answers at once, no second reading). */
export async function containerStatsOnce(docker: Dockerode, id: string): Promise<EngineStats> {
  return (await docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as EngineStats;
}

/** GET /containers/{id}/json, as the fields we read (inspect-view.ts). */
export async function inspectContainer(docker: Dockerode, id: string, signal?: AbortSignal): Promise<RawInspect> {
  return (await docker.getContainer(id).inspect(sig(signal))) as unknown as RawInspect;
}

/** GET /images/{ref}/json → its Config (defaults a container inherits), or {} when it has none. */
export async function imageConfig(docker: Dockerode, ref: string): Promise<RawImageConfig> {
  const img = (await docker.getImage(ref).inspect()) as unknown as { Config?: RawImageConfig };
  return img.Config ?? {};
}
