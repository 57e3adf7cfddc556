// A small multi-file program for `jsrun` (Tests/JSRunCLITests): static and dynamic imports,
// re-exports, a cycle, a JSON module, import.meta and top-level await.
import { greet, shout } from './lib/index.js';
import * as shapes from './lib/shapes.js';
import settings from './settings.json' assert { type: 'json' };
import { isEven } from './lib/even.js';

console.log(greet(settings.name));
console.log('areas:', shapes.square(3), shapes.circle(1).toFixed(2));
console.log('even/odd through a cycle:', isEven(10), isEven(7));

const { report } = await import('./lib/report.js');
console.log(report(settings.items));

console.log('meta:', import.meta.url.endsWith('/modules-app/main.mjs'), import.meta.resolve('./lib/shapes.js').endsWith('/modules-app/lib/shapes.js'));
await new Promise((resolve) => setTimeout(resolve, 10));
console.log(shout('done after a timer'));
