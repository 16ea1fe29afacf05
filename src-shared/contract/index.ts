/**
 * THE contract. Every channel and event stream of Sluice is declared here, once.
 * The ipcMain registration, the preload's window.sluice, the browser-mode HTTP
 * bridge and the renderer's typed client are all derived from these objects.
 */
import type { z } from 'zod';
import { appChannels } from './channels/app';
import { auditChannels } from './channels/audit';
import { deadLetterChannels } from './channels/deadletters';
import { environmentChannels } from './channels/environments';
import { kafkaGroupChannels } from './channels/kafkaGroups';
import { monitoringChannels } from './channels/monitoring';
import { runbookChannels } from './channels/runbooks';
import type { ChannelSpec } from './define';
import type { EventName, EventPayload } from './events';
import type { WireResult } from './errors';

export const channels = {
  ...appChannels,
  ...environmentChannels,
  ...monitoringChannels,
  ...kafkaGroupChannels,
  ...runbookChannels,
  ...auditChannels,
  ...deadLetterChannels,
} as const satisfies Record<string, ChannelSpec>;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What a caller may send (defaults not yet applied). */
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
/** What a handler receives (parsed, defaults applied). */
export type ChannelParsedInput<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;

export const channelNames = Object.keys(channels) as ChannelName[];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(channels, value);
}

/** The typed map the core implements; IPC and HTTP both register this same map. */
export type HandlerMap<Ctx> = {
  [C in ChannelName]: (input: ChannelParsedInput<C>, ctx: Ctx) => Promise<ChannelOutput<C>>;
};

/**
 * What the preload exposes as window.sluice and what the HTTP bridge client
 * implements: results travel as data, never as thrown objects.
 */
export interface SluiceBridge {
  readonly transport: 'ipc' | 'http';
  invoke(channel: ChannelName, input: unknown): Promise<WireResult>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** The renderer's typed client: throws SluiceError rebuilt from data. */
export interface SluiceApi {
  readonly transport: 'ipc' | 'http';
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export * from './errors';
export * from './events';
export * from './transport';
export * from './channels/app';
export * from './channels/audit';
export * from './channels/environments';
export * from './channels/monitoring';
export * from './channels/kafkaGroups';
export * from './channels/runbooks';
export * from './channels/deadletters';
export type { ChannelSpec } from './define';
