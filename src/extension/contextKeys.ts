/** The `when`-clause context keys the extension sets (package.json menus and welcome views read them). */
import * as vscode from 'vscode';

export interface ContextKeys {
  /** `connected` while the explorer has a host; otherwise the local emulator's state. */
  'durableStudio.connectionState': 'stopped' | 'starting' | 'connected' | 'failed';
  'durableStudio.emulatorRunning': boolean;
  /** The emulator refused to start because its store is damaged (Repair Store… can fix it). */
  'durableStudio.storeDamaged': boolean;
  /** The explorer looks at a host other than the local emulator. */
  'durableStudio.remote': boolean;
  'durableStudio.groupBy': 'name' | 'status';
  'durableStudio.filtered': boolean;
  /** The emulator answers `GET /emulator/v1/storage`: the app uses storage bindings (the Storage view shows). */
  'durableStudio.storageAvailable': boolean;
}

export function setContext<K extends keyof ContextKeys>(key: K, value: ContextKeys[K]): void {
  void vscode.commands.executeCommand('setContext', key, value);
}
