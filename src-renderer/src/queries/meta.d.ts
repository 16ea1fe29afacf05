import '@tanstack/react-query';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** True for errors the caller shows itself; the rest become toasts. */
      isHandledInline?: ((error: unknown) => boolean) | undefined;
    };
  }
}
