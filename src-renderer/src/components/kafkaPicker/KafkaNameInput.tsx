import { useMemo, useState, type KeyboardEvent } from 'react';
import type { KafkaCatalog } from '@shared/contract';
import {
  completeWith,
  currentToken,
  listNames,
  matchOptions,
  pickerOptions,
  type PickerKind,
} from './catalogModel';
import './kafkaPicker.css';

export interface PickerProblem {
  message: string;
  /** An error blocks saving; a warning only informs (a group may not exist yet). */
  severity: 'error' | 'warning';
}

/**
 * A text field for a Kafka topic or group name (or a comma-separated list of
 * them) that offers the cluster's names while typing. Without a catalog it
 * is a plain text field. Names come from the cluster and are shown as text
 * only.
 *
 * A problem (a name the cluster lacks) is shown once the field is left, or
 * while typing as soon as no name of the cluster matches any more, so a name
 * is not called missing while it is half typed.
 */
export function KafkaNameInput({
  id,
  kind,
  value,
  onChange,
  catalog,
  multiple = false,
  problem,
  testId,
  placeholder,
}: {
  id: string;
  kind: PickerKind;
  value: string;
  onChange: (value: string) => void;
  catalog: KafkaCatalog | undefined;
  multiple?: boolean;
  problem: PickerProblem | null;
  testId?: string;
  placeholder?: string;
}) {
  const [focused, setFocused] = useState(false);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  /** Arrow keys opened the list although the typed name is complete. */
  const [browsing, setBrowsing] = useState(false);
  const options = useMemo(() => (catalog ? pickerOptions(catalog, kind) : []), [catalog, kind]);
  const token = currentToken(value, multiple);
  const { shown, more } = useMemo(() => {
    const chosen = multiple
      ? new Set(listNames(value).filter((name) => name !== token))
      : undefined;
    return matchOptions(options, token, chosen);
  }, [options, token, value, multiple]);
  // A complete name closes the list (longer names that start with it stay a
  // key press away), so the list does not cover the rest of the form.
  const complete = shown.some((option) => option.name === token);
  const expanded =
    catalog !== undefined && open && focused && shown.length > 0 && (!complete || browsing);
  const listId = `${id}-options`;
  const problemId = `${id}-problem`;
  const showProblem = problem !== null && (!focused || shown.length === 0);

  const pick = (name: string) => {
    onChange(completeWith(value, name, multiple));
    setActive(0);
    setBrowsing(false);
    // A list field stays open for the next name.
    setOpen(multiple);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (!expanded) {
      if (event.key === 'ArrowDown' && catalog) {
        setOpen(true);
        setBrowsing(true);
        event.preventDefault();
      }
      return;
    }
    if (event.key === 'ArrowDown') {
      setActive((i) => Math.min(i + 1, shown.length - 1));
      event.preventDefault();
    } else if (event.key === 'ArrowUp') {
      setActive((i) => Math.max(i - 1, 0));
      event.preventDefault();
    } else if (event.key === 'Enter') {
      const option = shown[Math.min(active, shown.length - 1)];
      if (option) pick(option.name);
      // Enter picks the name here; it must not submit the form.
      event.preventDefault();
    } else if (event.key === 'Escape') {
      setOpen(false);
      // Closes the list only, not the dialog around the field.
      event.preventDefault();
      event.stopPropagation();
    }
  };

  return (
    <div className="kafka-picker">
      <div className="kafka-picker-anchor">
        <input
          id={id}
          type="text"
          value={value}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          data-testid={testId}
          role={catalog ? 'combobox' : undefined}
          aria-autocomplete={catalog ? 'list' : undefined}
          aria-expanded={catalog ? expanded : undefined}
          aria-controls={catalog ? listId : undefined}
          aria-activedescendant={expanded ? `${listId}-${active}` : undefined}
          aria-invalid={showProblem && problem?.severity === 'error' ? true : undefined}
          aria-describedby={showProblem ? problemId : undefined}
          className={showProblem ? `kafka-picker-input-${problem!.severity}` : undefined}
          onFocus={() => {
            setFocused(true);
            setOpen(true);
          }}
          onBlur={() => {
            setFocused(false);
            setOpen(false);
          }}
          onChange={(event) => {
            onChange(event.target.value);
            setActive(0);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
        />
        {expanded ? (
          <ul
            className="kafka-picker-list"
            id={listId}
            role="listbox"
            data-testid={testId ? `${testId}-options` : undefined}
          >
            {shown.map((option, index) => (
              <li
                key={option.name}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === active}
                className={index === active ? 'kafka-picker-option active' : 'kafka-picker-option'}
                // mousedown, not click: the input would blur first and close the list.
                onMouseDown={(event) => {
                  event.preventDefault();
                  pick(option.name);
                }}
                onMouseEnter={() => setActive(index)}
              >
                <span className="kafka-picker-name">{option.name}</span>
                <span className="kafka-picker-detail">{option.detail}</span>
              </li>
            ))}
            {more > 0 ? (
              <li className="kafka-picker-more" aria-disabled="true">
                {more.toLocaleString('en')} more: keep typing to narrow them down
              </li>
            ) : null}
          </ul>
        ) : null}
      </div>
      {showProblem ? (
        <p
          id={problemId}
          className={`kafka-picker-problem kafka-picker-problem-${problem!.severity}`}
          data-testid={testId ? `${testId}-problem` : undefined}
        >
          {problem!.message}
        </p>
      ) : null}
    </div>
  );
}
