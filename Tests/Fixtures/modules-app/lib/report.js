// Imported dynamically by main.mjs.
export function report(items) {
  return `${items.length} items, sorted: ${[...items].sort().join(', ')}`;
}
