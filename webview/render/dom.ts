// The one way the panel makes an element: classes and text only, through textContent — never HTML, so no string
// from a peer can become markup.

/** Creates an element with classes and (text-only) content. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
