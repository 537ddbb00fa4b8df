/** Typed access to the `durableStudio.*` settings (declared in package.json `contributes.configuration`). */
import * as vscode from 'vscode';

export interface EmulatorSettings {
  port: number;
  /** As typed; empty for the default `<app>/.durable-studio`. */
  storeFolder: string;
  autoStart: boolean;
  watch: boolean;
  /** As typed; empty for "ask when there are several". */
  appFolder: string;
  /** Empty for the runtime of the extension host. */
  nodePath: string;
}

/** The settings are window-scoped: one emulator per window. */
export function emulatorSettings(): EmulatorSettings {
  const c = vscode.workspace.getConfiguration('durableStudio.emulator');
  return {
    port: c.get<number>('port', 7071),
    storeFolder: c.get<string>('storeFolder', '').trim(),
    autoStart: c.get<boolean>('autoStart', false),
    watch: c.get<boolean>('watch', true),
    appFolder: c.get<string>('appFolder', '').trim(),
    nodePath: c.get<string>('nodePath', '').trim(),
  };
}

export function instancesPageSize(): number {
  return vscode.workspace.getConfiguration('durableStudio.instances').get<number>('pageSize', 200);
}

/** Settings whose change needs the emulator restarted to take effect. */
export const RESTART_SETTINGS = [
  'durableStudio.emulator.port',
  'durableStudio.emulator.storeFolder',
  'durableStudio.emulator.watch',
  'durableStudio.emulator.nodePath',
];
