/** The extension's client for a Functions host's management API and the emulator's own API (no VS Code). */
export { ManagementClient, type InstanceCommand, type ManagementClientOptions } from './managementClient.js';
export {
  subscribeToChanges,
  type ChangeStreamOptions,
  type ChangeStreamState,
  type ChangeSubscription,
} from './changeStream.js';
export { ManagementApiError, ManagementConnectionError, type ManagementOperation } from './errors.js';
export { SseParser, type SseHandlers, type SseMessage } from './sseParser.js';
export type * from './types.js';
