/** A few DOM helpers for the history webview (no framework). */

export interface ElementProps {
  class?: string;
  text?: string;
  title?: string;
  id?: string;
  /** Attributes set with `setAttribute` (ARIA, roles, data-*). */
  attrs?: Record<string, string | number | boolean | undefined>;
}

/** Creates an element. Text is always set as text (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.id) element.id = props.id;
  if (props.title) element.title = props.title;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) element.append(child);
  return element;
}

/** A button that runs `onClick`; `label` is its accessible name when `text` is an icon. */
export function button(text: string, label: string, onClick: () => void, className = 'button'): HTMLButtonElement {
  const element = h('button', { class: className, text, title: label, attrs: { type: 'button', 'aria-label': label } });
  element.addEventListener('click', onClick);
  return element;
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: (Node | string)[]): void {
  parent.replaceChildren(...children);
}

/** The number from a CSS custom property VS Code sets (`--vscode-font-size: 13px`), or the fallback. */
export function cssPixels(name: string, fallback: number): number {
  const value = parseFloat(getComputedStyle(document.documentElement).getPropertyValue(name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
