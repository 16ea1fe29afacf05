/**
 * Component tests render real pages and dialogs against a fake core: a
 * SluiceBridge answering from per-channel functions, wrapped by the
 * renderer's own client (createSluiceApi) and query client, so errors are
 * rebuilt and events checked exactly as in the app. No network, no core.
 */
import type { ReactElement, ReactNode } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, type RenderResult } from '@testing-library/react';
import { afterEach } from 'vitest';
import {
  SluiceError,
  channels,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
  type EventName,
  type EventPayload,
  type SluiceApi,
  type SluiceBridge,
  type WireResult,
} from '@shared/contract';
import { ApiProvider } from '../../../src-renderer/src/api/ApiContext';
import { createSluiceApi } from '../../../src-renderer/src/api/client';
import { SelectedEnvironmentProvider } from '../../../src-renderer/src/app/SelectedEnvironment';
import { createQueryClient } from '../../../src-renderer/src/queries/queryClient';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/** How the fake core answers a channel: a value, or a thrown SluiceError sent back as data. */
export type FakeHandlers = {
  [C in ChannelName]?: (
    input: ChannelParsedInput<C>,
  ) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export interface FakeCore {
  api: SluiceApi;
  /** Every call the page made, in order, with its input as the core parsed it. */
  calls: { channel: ChannelName; input: unknown }[];
  callsTo<C extends ChannelName>(channel: C): ChannelParsedInput<C>[];
  /** Pushes a core event to the page's subscribers. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function fakeCore(handlers: FakeHandlers): FakeCore {
  const calls: FakeCore['calls'] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const bridge: SluiceBridge = {
    transport: 'http',
    async invoke(channel, input): Promise<WireResult> {
      // The core's dispatcher parses every input with the contract: a page
      // sending something it would refuse gets the same INVALID_INPUT here.
      const parsed = channels[channel].input.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          path: i.path.map(String),
          message: i.message,
        }));
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: `invalid input for ${channel}: ${issues.map((i) => i.message).join('; ')}`,
            details: { issues },
          },
        };
      }
      calls.push({ channel, input: parsed.data });
      const handler = handlers[channel] as ((input: unknown) => unknown) | undefined;
      if (!handler) {
        return {
          ok: false,
          error: { code: 'INTERNAL', message: `the fake core has no answer for ${channel}` },
        };
      }
      try {
        return { ok: true, value: await handler(parsed.data) };
      } catch (error) {
        if (error instanceof SluiceError) return { ok: false, error: error.toData() };
        throw error;
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
  return {
    api: createSluiceApi(bridge),
    calls,
    callsTo: <C extends ChannelName>(channel: C) =>
      calls.filter((c) => c.channel === channel).map((c) => c.input as ChannelParsedInput<C>),
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
}

/** A never-settling answer: the page stays in its loading state for that query. */
export const pending = <T,>(): Promise<T> => new Promise<T>(() => undefined);

/** Renders `ui` inside the providers App gives every page. */
export function renderWithCore(
  ui: ReactElement,
  core: FakeCore,
  options: { selectedEnvironment?: boolean } = {},
): RenderResult {
  const wrap = (children: ReactNode) =>
    options.selectedEnvironment ? (
      <SelectedEnvironmentProvider>{children}</SelectedEnvironmentProvider>
    ) : (
      children
    );
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ApiProvider api={core.api}>{wrap(ui)}</ApiProvider>
    </QueryClientProvider>,
  );
}
