/**
 * The Instances view's `TreeItem`s: a group (name or status, with its count), an instance (status icon in its
 * theme colour, id as label (GUIDs shortened), start time and duration (or since when it runs) as description, the context value the menus match, a click that
 * opens its history), and "Load more…". Tooltips are read on hover (`InstancesTree.resolveTreeItem`).
 */
import * as vscode from 'vscode';
import {
  groupContextValue,
  instanceAccessibleLabel,
  instanceContextValue,
  instanceDescription,
  instanceIcon,
  shortInstanceId,
  STATUS_ICONS,
} from './instancePresentation.js';
import type { InstancesModel } from './instancesModel.js';

export function groupItem(model: InstancesModel, key: string): vscode.TreeItem {
  const groupBy = model.groupBy;
  const item = new vscode.TreeItem(key, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `group:${groupBy}:${key}`;
  item.contextValue = groupContextValue(groupBy);
  item.description = String(model.groupSize(key));
  if (groupBy === 'status') {
    const icon = STATUS_ICONS[key as keyof typeof STATUS_ICONS];
    if (icon) item.iconPath = new vscode.ThemeIcon(icon.id, new vscode.ThemeColor(icon.color));
  } else {
    item.iconPath = new vscode.ThemeIcon('symbol-class');
  }
  return item;
}

export function instanceItem(model: InstancesModel, instanceId: string, now: number): vscode.TreeItem {
  const entry = model.entry(instanceId);
  if (!entry) return new vscode.TreeItem(instanceId);
  const nested = model.parent(model.instanceNode(instanceId))?.kind === 'instance';
  const item = new vscode.TreeItem(
    shortInstanceId(instanceId),
    model.hasChildren(instanceId) ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `instance:${instanceId}`;
  const icon = instanceIcon(entry);
  item.iconPath = new vscode.ThemeIcon(icon.id, new vscode.ThemeColor(icon.color));
  item.description = instanceDescription(entry, model.groupBy, nested, now);
  item.contextValue = instanceContextValue(entry);
  item.accessibilityInformation = { label: instanceAccessibleLabel(entry, now) };
  item.command = { command: 'durableStudio.instance.openHistory', title: 'Open History', arguments: [instanceId] };
  return item;
}

export function loadMoreItem(model: InstancesModel): vscode.TreeItem {
  const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
  item.id = 'loadMore';
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.description = `${model.size} loaded`;
  item.contextValue = 'loadMore';
  item.command = { command: 'durableStudio.instances.loadMore', title: 'Load More Instances' };
  return item;
}
