// The script `make run` runs: `jsrun Examples/scripts/demo.js`.
// Its completion value (the last expression) is what jsrun prints.
const primes = [];
for (let n = 2; primes.length < 10; n++) {
  if (primes.every((p) => n % p !== 0)) primes.push(n);
}

const engine = {
  name: "V8",
  primes,
  sum: primes.reduce((a, b) => a + b, 0),
  greeting: `Hello from JavaScript, ${new Intl.NumberFormat("en-US").format(1234567.891)} times`,
};

engine;
