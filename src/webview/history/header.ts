/**
 * The header of the history view: name, id, status, times, a failed instance's failure reason, and the instance's
 * input, output and custom status. Times are printed at the precision they have: the history's event timestamps
 * to the millisecond, the status API's `createdTime` / `lastUpdatedTime` to the second. While the instance runs, the
 * duration "so far" is brought up to date by `tick` (the view calls it every second while it is visible).
 */
import { h, replaceChildren } from './dom.js';
import { formatDateTime, formatDuration, formatDurationSeconds, formatIsoText, prettyText } from './format.js';
import type { FailureReason, HeaderModel } from './model.js';
import type { JsonValue } from './protocol.js';

export interface HeaderActions {
  openDefinition(name: string): void;
}

export class HistoryHeader {
  readonly element = h('header', { class: 'header' });
  private readonly open = new Set<string>();
  private model: HeaderModel | undefined;
  private durationValue: HTMLElement | undefined;

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
    this.model = model;
    const created = formatIsoText(model.createdTime);
    // The execution's own events are precise; the status's times are second-truncated.
    const start =
      model.startPrecise && model.startedAt !== undefined
        ? fact('Started', formatDateTime(model.startedAt), `Created ${created} (the status API's time, to the second)`)
        : fact('Created', created);
    const end =
      model.endedAt !== undefined
        ? fact('Ended', formatDateTime(model.endedAt))
        : fact('Updated', formatIsoText(model.lastUpdatedTime));
    const [durationTerm, durationValue] = fact('Duration', durationText(model));
    this.durationValue = durationValue;
    const facts = h(
      'dl',
      { class: 'facts' },
      ...fact('Instance', model.instanceId),
      ...start,
      ...end,
      durationTerm!,
      durationValue!,
    );
    const payloads = h(
      'div',
      { class: 'payloads' },
      this.payload('Input', model.input),
      this.payload('Output', model.output),
      this.payload('Custom status', model.customStatus),
    );
    const noteLine = h('p', { class: 'note', text: note ?? '', attrs: { role: 'note', hidden: note === undefined } });
    const failure = model.failure ? [this.failure(model.failure)] : [];
    replaceChildren(
      this.element,
      h('div', { class: 'title-line' }, h('h1', {}, name), status, liveBadge),
      noteLine,
      facts,
      ...failure,
      payloads,
    );
  }

  /** Brings a running instance's "so far" duration up to `now` (ms). */
  tick(now: number): void {
    const model = this.model;
    if (!model || !this.durationValue || model.endedAt !== undefined || model.startedAt === undefined) return;
    const text = durationText({ ...model, durationMs: Math.max(0, now - model.startedAt) });
    if (this.durationValue.textContent !== text) this.durationValue.textContent = text;
  }

  /** The failure reason, whole and selectable (it wraps); the stack trace under it, folded. */
  private failure(failure: FailureReason): HTMLElement {
    const block = h(
      'section',
      { class: 'failure-reason', attrs: { 'aria-label': 'Failure reason' } },
      h('span', { class: 'failure-label', text: 'Failure reason' }),
      h('p', { class: 'reason', text: failure.reason, attrs: { tabindex: 0 } }),
    );
    if (failure.stack) {
      const open = this.open.has('Stack trace');
      const details = h(
        'details',
        { class: 'payload stack', attrs: { open } },
        h('summary', { text: 'Stack trace' }),
        h('pre', { class: 'json', text: failure.stack, attrs: { tabindex: 0 } }),
      );
      details.addEventListener('toggle', () =>
        details.open ? this.open.add('Stack trace') : this.open.delete('Stack trace'),
      );
      block.append(details);
    }
    return block;
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

function fact(term: string, value: string, title?: string): HTMLElement[] {
  return [h('dt', { text: term }), h('dd', { text: value || '—', ...(title ? { title } : {}) })];
}

/**
 * `1.077 s` from the history's precise start and end; `12 s so far` while it runs (ticking: whole seconds); whole
 * seconds too when the start is only known to the second (`createdTime`, before the history has an event).
 */
function durationText(model: Pick<HeaderModel, 'durationMs' | 'endedAt' | 'startPrecise'>): string {
  if (model.durationMs === undefined) return '';
  const running = model.endedAt === undefined;
  const text =
    running || !model.startPrecise ? formatDurationSeconds(model.durationMs) : formatDuration(model.durationMs);
  return running ? `${text} so far` : text;
}
