// Seeds for the fuzz targets, written by Node's own serializer (`v8.serialize`): what JSRun's
// writer never writes (sparse arrays, references to objects seen before, typed arrays as Node's
// host objects, two-byte strings, boxed primitives, errors of each kind, padding). `make fuzz`
// runs it when Node is there: node Fuzz/seeds.js DIR
const fs = require("fs");
const path = require("path");
const v8 = require("v8");

const directory = process.argv[2];
fs.mkdirSync(directory, { recursive: true });

const shared = { name: "shared" };
const sparse = [];
sparse[5] = "five";
sparse[1000] = 1;
const holey = [1, , 3];
holey.extra = "property";
const buffer = new ArrayBuffer(16);
const values = [
  undefined, null, true, false, 0, -0, 1, -1, 2 ** 31, 2 ** 53, NaN, Infinity, 1.5,
  123n, -(2n ** 100n), "", "ascii", "é latin-1", "☃ two-byte \u{1F600}", "\ud800 lone surrogate",
  new Date(0), new Date(NaN), /a+b/gimsuy, new Number(1), new String("boxed"), new Boolean(false),
  Object(5n), [1, 2, 3], holey, sparse, new Array(5), { a: 1, b: { c: [shared, shared] } },
  { 1: "one", 2: "two", name: "mixed" }, new Map([[1, "one"], [shared, shared]]),
  new Set([1, "1", shared]), new Error("plain"), new TypeError("type"), new RangeError("range"),
  new SyntaxError("syntax"), new ReferenceError("reference"), new EvalError("eval"),
  new URIError("uri"), Object.assign(new Error("with cause", { cause: { code: 1 } })),
  new Uint8Array([1, 2, 3]), new Int16Array([-1, 2]), new Float64Array([1.5, NaN]),
  new BigInt64Array([1n, -1n]), new DataView(buffer, 4, 8), buffer,
  [new Uint8Array(buffer, 0, 4), new Uint32Array(buffer, 4, 2)],
  Array.from({ length: 50 }, (_, i) => ({ id: i, name: `row ${i}`, ok: i % 2 === 0 })),
];
values.forEach((value, index) => {
  fs.writeFileSync(path.join(directory, `node-${index}`), v8.serialize(value));
});
