/**
 * The JSON the host gives a `durableClient` input binding (protocol reference §4.1), and the check-status
 * links built from the same templates. Both point at the emulator's own management API.
 */

export const WEBHOOK_PATH = '/runtime/webhooks/durabletask';

export interface ClientBindingJson {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

function managementTemplates(origin: string, hubName: string, instanceId: string): Record<string, string> {
  const base = `${origin}${WEBHOOK_PATH}/instances/${instanceId}`;
  const common = `taskHub=${encodeURIComponent(hubName)}&connection=Storage`;
  return {
    id: instanceId,
    statusQueryGetUri: `${base}?${common}`,
    sendEventPostUri: `${base}/raiseEvent/{eventName}?${common}`,
    terminatePostUri: `${base}/terminate?reason={text}&${common}`,
    rewindPostUri: `${base}/rewind?reason={text}&${common}`,
    purgeHistoryDeleteUri: `${base}?${common}`,
    restartPostUri: `${base}/restart?${common}`,
    suspendPostUri: `${base}/suspend?reason={text}&${common}`,
    resumePostUri: `${base}/resume?reason={text}&${common}`,
  };
}

/** `origin` is e.g. `http://localhost:7071` (no trailing slash). */
export function clientBindingJson(origin: string, hubName: string): ClientBindingJson {
  const orchestrators = `${origin}${WEBHOOK_PATH}/orchestrators/{functionName}[/{instanceId}]`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: orchestrators,
      createAndWaitOnNewInstancePostUri: `${orchestrators}?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}`,
    },
    managementUrls: managementTemplates(origin, hubName, 'INSTANCEID'),
    baseUrl: `${origin}${WEBHOOK_PATH}`,
    requiredQueryStringParameters: '',
    rpcBaseUrl: `${origin}${WEBHOOK_PATH}/`,
  };
}

/** The 202 check-status body of the real host for one instance (instance id URL-encoded in the links). */
export function checkStatusPayload(origin: string, hubName: string, instanceId: string): Record<string, string> {
  const links = managementTemplates(origin, hubName, encodeURIComponent(instanceId));
  return { ...links, id: instanceId };
}
