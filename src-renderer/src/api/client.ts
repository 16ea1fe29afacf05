import {
  SluiceError,
  errorDataSchema,
  events,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type EventName,
  type EventPayload,
  type SluiceApi,
  type SluiceBridge,
} from '@shared/contract';

/**
 * The typed client the whole renderer uses: results come back as data from
 * either bridge and are turned into values or thrown SluiceErrors here, once.
 */
export function createSluiceApi(bridge: SluiceBridge): SluiceApi {
  return {
    transport: bridge.transport,

    async invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>) {
      let result;
      try {
        result = await bridge.invoke(channel, input);
      } catch {
        throw new SluiceError('UNAVAILABLE', `the call ${channel} could not reach the Sluice core`);
      }
      if (result.ok) return result.value as ChannelOutput<C>;
      const error = errorDataSchema.safeParse(result.error);
      if (!error.success) {
        throw new SluiceError('INTERNAL', `${channel} failed with an unreadable error`);
      }
      throw SluiceError.fromData(error.data);
    },

    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      const schema = events[event];
      return bridge.on(event, (payload) => {
        // Payloads cross a process boundary: check them before typed code sees them.
        const parsed = schema.safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<E>);
        else console.warn(`ignored a malformed "${event}" event`);
      });
    },
  };
}
