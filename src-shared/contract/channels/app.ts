import { z } from 'zod';
import { mutation, query } from '../define';

export const themeSchema = z.enum(['system', 'light', 'dark']);

export const settingsSchema = z.object({
  /** Shown in the audit log beside the OS user. */
  displayName: z.string().trim().max(80),
  theme: themeSchema,
});
export type Settings = z.infer<typeof settingsSchema>;

export const appInfoSchema = z.object({
  name: z.literal('Sluice'),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  dataDir: z.string(),
  operator: z.object({ osUser: z.string(), displayName: z.string(), hostName: z.string() }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const secretStorageStatusSchema = z.object({
  /** For example "electron-safeStorage:gnome_libsecret" or "file:0600". */
  backend: z.string(),
  /** Whether the bytes at rest are encrypted. */
  encrypted: z.boolean(),
  /**
   * True when saving a secret needs the operator's explicit consent (Electron on
   * Linux with the basic_text backend): the UI shows `warning` and asks.
   */
  requiresConsent: z.boolean(),
  warning: z.string().optional(),
});
export type SecretStorageStatus = z.infer<typeof secretStorageStatusSchema>;

const empty = z.object({}).strict();

export const appChannels = {
  'app.info': query('Application name, version, mode and operator identity', empty, appInfoSchema),
  'settings.get': query('Operator settings', empty, settingsSchema),
  'settings.update': mutation(
    'Change operator settings',
    settingsSchema.partial().strict(),
    settingsSchema,
    { environment: null, because: "the operator's own settings in Sluice, for every environment" },
  ),
  'secrets.status': query('How secrets are stored on this host', empty, secretStorageStatusSchema),
} as const;
