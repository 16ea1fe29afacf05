import type { GroupDescription } from '@shared/contract';
import { ErrorPanel, Loading } from '../../components/Panels';
import { useGroupDescription } from '../../queries/kafkaGroups';
import { formatCount } from '../monitoring/format';

const STATE_WORDS: Record<GroupDescription['state'], string> = {
  Stable: 'Stable: members are consuming',
  PreparingRebalance: 'Rebalancing: members are rejoining',
  CompletingRebalance: 'Rebalancing: waiting for the new assignment',
  Empty: 'Empty: no consumer is in the group',
  Dead: 'Dead: the group has no members and no offsets',
  Unknown: 'Unknown state',
};

function partitionsText(partitions: readonly number[]): string {
  return partitions.length === 0 ? 'none' : partitions.join(', ');
}

/** The group as its coordinator describes it: state, members and what each is assigned. */
export function GroupMembers({
  environmentId,
  groupId,
  onReset,
}: {
  environmentId: string;
  groupId: string;
  onReset: (description: GroupDescription) => void;
}) {
  const described = useGroupDescription(environmentId, groupId);
  if (described.isPending) return <Loading what="group members" />;
  if (described.isError)
    return <ErrorPanel error={described.error} onRetry={() => void described.refetch()} />;
  const group = described.data;
  const rebalancing = group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance';
  return (
    <section data-testid="group-members" aria-label="Members">
      <div className="section-head">
        <h3>Members of {group.groupId}</h3>
        <button
          type="button"
          className="button"
          onClick={() => onReset(group)}
          data-testid="group-reset-open"
        >
          Reset offsets…
        </button>
      </div>
      <p data-testid="group-state" className={rebalancing ? 'field-error' : 'muted'}>
        {STATE_WORDS[group.state]}
        {group.protocol ? ` · assignor ${group.protocol}` : ''} ·{' '}
        {formatCount(group.members.length)} member{group.members.length === 1 ? '' : 's'}
      </p>
      {group.members.length > 0 ? (
        <table className="table" data-testid="group-member-table">
          <thead>
            <tr>
              <th scope="col">Client id</th>
              <th scope="col">Host</th>
              <th scope="col">Assigned partitions</th>
              <th scope="col">Member id</th>
            </tr>
          </thead>
          <tbody>
            {group.members.map((member) => (
              <tr key={member.memberId}>
                <td>{member.clientId}</td>
                <td>{member.host}</td>
                <td>
                  {member.assignment.length === 0
                    ? 'none'
                    : member.assignment
                        .map((a) => `${a.topic}: ${partitionsText(a.partitions)}`)
                        .join('; ')}
                </td>
                <td>
                  <code>{member.memberId}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
