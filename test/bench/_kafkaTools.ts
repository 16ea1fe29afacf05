/**
 * Apache Kafka's own command-line tools, run as their scripts run them
 * (kafka-run-class.sh's JVM settings), from the jars the test harness
 * resolves. Benchmarks use them as baselines on the same cluster. (The
 * leading underscore keeps this file out of `npm run bench`'s list.)
 */
import { execFile } from 'node:child_process';
import { javaBinary, kafkaClasspath } from '../../sandbox/servers/kafka/classpath';

/** kafka-run-class.sh's JVM options; the heap is each script's KAFKA_HEAP_OPTS default. */
function jvmOptions(heap: string): string[] {
  return [
    `-Xmx${heap}`,
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
  ];
}

export interface ToolResult {
  /** Wall time from process start to exit: JVM start included. */
  ms: number;
  stdout: string;
}

export async function runKafkaTool(
  mainClass: string,
  args: string[],
  options: { heap: string; timeoutMs: number },
): Promise<ToolResult> {
  const classpath = await kafkaClasspath();
  const started = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      javaBinary(),
      [...jvmOptions(options.heap), '-cp', classpath, mainClass, ...args],
      { timeout: options.timeoutMs, maxBuffer: 512 * 1024 * 1024 },
      (error, out, err) =>
        error ? reject(new Error(`${mainClass} failed: ${err || error.message}`)) : resolve(out),
    );
  });
  return { ms: performance.now() - started, stdout };
}

function configCommand(bootstrap: string, clientId: string, change: string[]): Promise<unknown> {
  return runKafkaTool(
    'kafka.admin.ConfigCommand',
    [
      '--bootstrap-server',
      bootstrap,
      '--alter',
      ...change,
      '--entity-type',
      'clients',
      '--entity-name',
      clientId,
    ],
    { heap: '256M', timeoutMs: 120_000 },
  );
}

/**
 * Sets a client quota (e.g. producer_byte_rate) with kafka-configs.sh's own
 * class, `--entity-type clients --entity-name <clientId>`; the broker
 * throttles that client id from its next request.
 */
export async function setClientQuota(
  bootstrap: string,
  clientId: string,
  quota: Record<string, number>,
): Promise<void> {
  const settings = Object.entries(quota).map(([name, value]) => `${name}=${value}`);
  await configCommand(bootstrap, clientId, ['--add-config', settings.join(',')]);
}

/** Removes the named quotas of a client id. */
export async function removeClientQuota(
  bootstrap: string,
  clientId: string,
  names: string[],
): Promise<void> {
  await configCommand(bootstrap, clientId, ['--delete-config', names.join(',')]);
}
