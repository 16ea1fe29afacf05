import type { KafkaCatalog } from '@shared/contract';
import { KAFKA_CATALOG_LIMIT } from '@shared/contract';
import './kafkaPicker.css';

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * One muted line under the pickers: what the catalog holds and when it was
 * listed (with a refresh), or why it could not be listed: then the fields
 * are plain text fields and nothing is checked.
 */
export function KafkaCatalogStatus({
  kafkaConfigured,
  catalog,
  loading,
  fetching,
  error,
  onRefresh,
  testId = 'kafka-catalog-status',
}: {
  kafkaConfigured: boolean;
  catalog: KafkaCatalog | undefined;
  loading: boolean;
  fetching: boolean;
  error: Error | null;
  onRefresh: () => void;
  testId?: string;
}) {
  if (!kafkaConfigured) {
    return (
      <p className="kafka-catalog-status" data-testid={testId} data-state="off">
        This environment has no Kafka connection: names are not offered or checked.
      </p>
    );
  }
  const refresh = (
    <button
      type="button"
      className="link-button"
      onClick={onRefresh}
      disabled={fetching}
      data-testid={`${testId}-refresh`}
    >
      {fetching ? 'listing…' : error ? 'try again' : 'refresh'}
    </button>
  );
  if (loading) {
    return (
      <p className="kafka-catalog-status" data-testid={testId} data-state="loading">
        Listing the cluster’s topics and groups…
      </p>
    );
  }
  if (error || !catalog) {
    return (
      <p className="kafka-catalog-status" data-testid={testId} data-state="error">
        Names are not offered or checked:{' '}
        <span data-testid={`${testId}-error`}>{error?.message ?? 'no answer'}</span> · {refresh}
      </p>
    );
  }
  const listedAt = new Date(catalog.listedAt).toLocaleTimeString();
  const cut: string[] = [];
  if (catalog.truncated.topics) cut.push(`${count(catalog.totals.topics, 'topic', 'topics')}`);
  if (catalog.truncated.groups) cut.push(`${count(catalog.totals.groups, 'group', 'groups')}`);
  return (
    <p className="kafka-catalog-status" data-testid={testId} data-state="ready">
      {count(catalog.totals.topics, 'topic', 'topics')} and{' '}
      {count(catalog.totals.groups, 'group', 'groups')} on the cluster, listed at {listedAt} ·{' '}
      {refresh}
      {cut.length > 0 ? (
        <>
          <br />
          The cluster has {cut.join(' and ')}: the first {KAFKA_CATALOG_LIMIT.toLocaleString('en')}{' '}
          of each are offered, and names beyond them are not checked.
        </>
      ) : null}
    </p>
  );
}
