// Re-exports: names from one module, everything from another.
export { greet } from './greet.js';
export * from './text.js';
