import type { FeatureSummary } from '@federa/client';

/** Options of {@link federatedSummary}. */
export interface FeatureStatsCall {
  url: string;
  runId: string;
  clientId: string;
  token: string | undefined;
  summary: FeatureSummary;
  onProgress: (reporters: number, quorum: number) => void;
  /** Give up after this long; default 5 minutes. */
  timeoutMs?: number;
}

type Status = { reporters: number; quorum: number; ready: boolean; summary: FeatureSummary | null };

/**
 * The feature-statistics pre-round over REST, as `federa client join` runs it: POST this client's
 * summary, then poll until the run's quorum reported and the coordinator returns the sum.
 */
export async function federatedSummary(call: FeatureStatsCall): Promise<FeatureSummary> {
  const path = new URL(`/api/runs/${encodeURIComponent(call.runId)}/feature-stats`, call.url);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.token) headers['authorization'] = `Bearer ${call.token}`;
  const read = async (res: Response): Promise<Status> => {
    const body = await res.json();
    if (!res.ok) throw new Error(`${body.code ?? `HTTP ${res.status}`}: ${body.message ?? ''}`);
    return body as Status;
  };
  let status = await read(
    await fetch(path, {
      method: 'POST',
      headers,
      body: JSON.stringify({ clientId: call.clientId, summary: call.summary }),
    }),
  );
  const deadline = Date.now() + (call.timeoutMs ?? 300_000);
  while (!status.ready) {
    call.onProgress(status.reporters, status.quorum);
    if (Date.now() > deadline)
      throw new Error(`only ${status.reporters}/${status.quorum} clients sent feature statistics in time`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = await read(await fetch(path, { headers }));
  }
  return status.summary as FeatureSummary;
}
