// Prometheus metrics of a worker process, on one endpoint: the Temporal SDK's own (task slots, poll
// and schedule-to-start latencies = queue lag, activity execution latency, sticky cache…) and ours,
// pushed through the same Core runtime so they are scraped together:
//   dualqa_activity_duration{activity_type,outcome}   histogram, milliseconds
//   dualqa_recordings_inspected_total{verdict}         counter, one per report written
// DUALQA_METRICS_PORT turns the endpoint on (http://<host>:<port>/metrics); DUALQA_METRICS_HOST picks
// the address (127.0.0.1 by default: set 0.0.0.0 for a scraper on another machine). Tags carry no
// recording identity, so nothing personal reaches a metric.
import { Context } from '@temporalio/activity';
import type { MetricCounter, MetricHistogram } from '@temporalio/common';
import { Runtime, type ActivityInboundCallsInterceptor, type RuntimeOptions, type WorkerInterceptors } from '@temporalio/worker';

/** Runtime telemetry options for DUALQA_METRICS_PORT, or {} when metrics are off. */
export function metricsTelemetry(env: NodeJS.ProcessEnv = process.env): Pick<RuntimeOptions, 'telemetryOptions'> {
  const raw = env.DUALQA_METRICS_PORT?.trim();
  if (!raw) return {};
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`DUALQA_METRICS_PORT must be a TCP port, got ${JSON.stringify(raw)}`);
  const host = env.DUALQA_METRICS_HOST?.trim() || '127.0.0.1';
  return { telemetryOptions: { metrics: { prometheus: { bindAddress: `${host}:${port}`, countersTotalSuffix: true } } } };
}

interface Instruments {
  duration: MetricHistogram;
  inspected: MetricCounter;
}

let instruments: Instruments | undefined;

function meter(): Instruments {
  // Created on first use, after the worker has installed (or defaulted) the Runtime.
  if (!instruments) {
    const m = Runtime.instance().metricMeter;
    instruments = {
      duration: m.createHistogram('dualqa_activity_duration', 'int', 'ms', 'Activity execution time, by activity type and outcome'),
      inspected: m.createCounter('dualqa_recordings_inspected', 'recordings', 'Reports written, by verdict'),
    };
  }
  return instruments;
}

/** The report activity's result carries the verdict of the recording it reported on. */
function verdictOf(activityType: string, result: unknown): string | undefined {
  if (activityType !== 'writeReport' || typeof result !== 'object' || result === null) return undefined;
  const verdict = (result as { verdict?: unknown }).verdict;
  return typeof verdict === 'string' ? verdict : undefined;
}

class MetricsInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[0], next: Parameters<NonNullable<ActivityInboundCallsInterceptor['execute']>>[1]): Promise<unknown> {
    const activityType = Context.current().info.activityType;
    const started = Date.now();
    let outcome = 'failed';
    try {
      const result = await next(input);
      outcome = 'completed';
      const verdict = verdictOf(activityType, result);
      if (verdict) meter().inspected.add(1, { verdict });
      return result;
    } finally {
      meter().duration.record(Date.now() - started, { activity_type: activityType, outcome });
    }
  }
}

/** Worker interceptors that record our metrics; harmless (no exporter, nothing kept) when metrics are off. */
export function metricsInterceptors(): WorkerInterceptors {
  return { activity: [() => ({ inbound: new MetricsInterceptor() })] };
}
