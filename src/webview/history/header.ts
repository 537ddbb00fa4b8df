/** The header of the history view: name, id, status, times, and the instance's input, output and custom status. */
import { h, replaceChildren } from './dom.js';
import { formatDateTime, formatDuration, parseTime, prettyText } from './format.js';
import type { HeaderModel } from './model.js';
import type { JsonValue } from './protocol.js';

export interface HeaderActions {
  openDefinition(name: string): void;
}

export class HistoryHeader {
  readonly element = h('header', { class: 'header' });
  private readonly open = new Set<string>();

  constructor(private readonly actions: HeaderActions) {}

  /** `note`: a line under the title the status does not tell (see the `update` message). */
  render(model: HeaderModel, live: boolean, note?: string): void {
    const name = h('button', {
      class: 'link name',
      text: model.name,
      title: `Go to the definition of orchestration '${model.name}'`,
      attrs: { type: 'button' },
    });
    name.addEventListener('click', () => this.actions.openDefinition(model.name));
    const status = h('span', {
      class: `status status-${model.runtimeStatus}`,
      text: model.runtimeStatus,
      attrs: { role: 'status', 'aria-label': `Status: ${model.runtimeStatus}` },
    });
    const liveBadge = h('span', {
      class: 'live',
      text: 'live',
      title: 'Updates as the instance changes',
      attrs: { hidden: !live },
    });
    const duration =
      model.durationMs === undefined
        ? ''
        : `${formatDuration(model.durationMs)}${model.endedAt === undefined ? ' so far' : ''}`;
    const facts = h(
      'dl',
      { class: 'facts' },
      ...fact('Instance', model.instanceId),
      ...fact('Created', formatDateTime(parseTime(model.createdTime) ?? NaN) || model.createdTime),
      ...fact('Updated', formatDateTime(parseTime(model.lastUpdatedTime) ?? NaN) || model.lastUpdatedTime),
      ...fact('Duration', duration),
    );
    const payloads = h(
      'div',
      { class: 'payloads' },
      this.payload('Input', model.input),
      this.payload('Output', model.output),
      this.payload('Custom status', model.customStatus),
    );
    const noteLine = h('p', { class: 'note', text: note ?? '', attrs: { role: 'note', hidden: note === undefined } });
    replaceChildren(
      this.element,
      h('div', { class: 'title-line' }, h('h1', {}, name), status, liveBadge),
      noteLine,
      facts,
      payloads,
    );
  }

  /** An expandable payload; stays open across updates once the user opened it. */
  private payload(label: string, value: JsonValue): HTMLElement {
    const empty = value === null || value === '';
    const details = h('details', { class: 'payload', attrs: { open: this.open.has(label) && !empty } });
    const summary = h('summary', { text: empty ? `${label}: none` : label });
    details.append(summary);
    if (empty) {
      details.classList.add('none');
      summary.setAttribute('aria-disabled', 'true');
    } else {
      details.append(h('pre', { class: 'json', text: prettyText(value, false), attrs: { tabindex: 0 } }));
    }
    details.addEventListener('toggle', () => {
      if (empty && details.open) details.open = false;
      else if (details.open) this.open.add(label);
      else this.open.delete(label);
    });
    return details;
  }
}

function fact(term: string, value: string): HTMLElement[] {
  return [h('dt', { text: term }), h('dd', { text: value || '—' })];
}
