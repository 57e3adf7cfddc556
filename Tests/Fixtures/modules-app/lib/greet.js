import { capitalize } from './text.js';

export function greet(name) {
  return `Hello, ${capitalize(name)}!`;
}
