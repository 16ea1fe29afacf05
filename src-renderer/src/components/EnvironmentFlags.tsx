import type { EnvironmentView } from '@shared/contract';

/** The colour chip and PRODUCTION / read-only badges used wherever an environment is named. */
export function EnvironmentFlags({
  environment,
}: {
  environment: Pick<EnvironmentView, 'production' | 'readOnly'>;
}) {
  return (
    <>
      {environment.production ? <span className="badge badge-production">PRODUCTION</span> : null}
      {environment.readOnly ? <span className="badge badge-readonly">read-only</span> : null}
    </>
  );
}

export function ColourChip({ colour }: { colour: string }) {
  return <span className="colour-chip" style={{ backgroundColor: colour }} aria-hidden="true" />;
}
