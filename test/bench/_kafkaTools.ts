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
