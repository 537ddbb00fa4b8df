/**
 * The DOM side of a virtualised grid (the events table and the timeline): keeps one element per item in the
 * visible range, removes those that scrolled away, and marks the focused one for assistive technology.
 */
import type { RowLayout } from './virtual.js';

export interface VisibleRows {
  /** Rendered elements by item index. */
  readonly elements: Map<number, HTMLElement>;
  readonly canvas: HTMLElement;
  readonly scroller: HTMLElement;
  /** The element with role grid: its `aria-activedescendant` names the focused item's element. */
  readonly grid: HTMLElement;
}

/** Renders the items in view (plus `overscan` rows each side); `idPrefix` + index is each element's id. */
export function renderVisibleRows(
  rows: VisibleRows,
  layout: RowLayout,
  overscan: number,
  focused: number,
  idPrefix: string,
  create: (index: number) => HTMLElement,
): void {
  const { first, last } = layout.visibleRange(rows.scroller.scrollTop, rows.scroller.clientHeight || 600, overscan);
  for (const [index, element] of rows.elements) {
    if (index < first || index > last) {
      element.remove();
      rows.elements.delete(index);
    }
  }
  for (let index = first; index <= last; index++) {
    let element = rows.elements.get(index);
    if (!element) {
      element = create(index);
      rows.elements.set(index, element);
      rows.canvas.append(element);
    }
    element.classList.toggle('focused', index === focused);
    element.setAttribute('aria-selected', String(index === focused));
  }
  if (rows.elements.has(focused)) rows.grid.setAttribute('aria-activedescendant', `${idPrefix}${focused}`);
  else rows.grid.removeAttribute('aria-activedescendant');
}
