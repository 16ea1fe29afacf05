/**
 * Kafka Connect's dead-letter headers (errors.deadletterqueue.context.headers.enable):
 * where the record came from, which stage failed, and the exception.
 */
export const CONNECT_HEADER_PREFIX = '__connect.errors.';

export interface FailureContext {
  topic: string;
  partition: number;
  offset: string;
  connectorName: string;
  taskId: string;
  /** Connect's stage names: KEY_CONVERTER, VALUE_CONVERTER, TRANSFORMATION, TASK_PUT, ... */
  stage: string;
  /** The class that was running when the record failed. */
  className: string;
  error: Error;
}

export function connectErrorHeaders(context: FailureContext): Record<string, string> {
  const h = (name: string): string => `${CONNECT_HEADER_PREFIX}${name}`;
  return {
    [h('topic')]: context.topic,
    [h('partition')]: String(context.partition),
    [h('offset')]: context.offset,
    [h('connector.name')]: context.connectorName,
    [h('task.id')]: context.taskId,
    [h('stage')]: context.stage,
    [h('class.name')]: context.className,
    [h('exception.class.name')]: context.error.name,
    [h('exception.message')]: context.error.message,
    [h('exception.stacktrace')]:
      context.error.stack ?? `${context.error.name}: ${context.error.message}`,
  };
}
