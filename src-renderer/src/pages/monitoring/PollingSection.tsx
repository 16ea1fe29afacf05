import { Section, TextInput, type SectionProps } from './ConfigFields';

export function PollingSection({ form, set }: SectionProps) {
  return (
    <Section title="Polling">
      <div className="config-row">
        <TextInput
          label="poll every (s)"
          value={form.pollSeconds}
          onChange={(v) => set('pollSeconds', v)}
          width="narrow"
          testId="config-poll"
        />
        <TextInput
          label="timeout per poll (s)"
          value={form.timeoutSeconds}
          onChange={(v) => set('timeoutSeconds', v)}
          width="narrow"
        />
        <TextInput
          label="window (samples)"
          value={form.windowSize}
          onChange={(v) => set('windowSize', v)}
          width="narrow"
        />
        <TextInput
          label="allowed lag"
          value={form.allowedLag}
          onChange={(v) => set('allowedLag', v)}
          width="narrow"
        />
      </div>
    </Section>
  );
}
