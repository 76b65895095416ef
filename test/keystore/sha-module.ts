/**
 * The code that makes the bytes of src/keystore/wasm-sha.ts (`SHA_MODULE_BASE64`): a few helpers emit
 * the bytecode of each expression, and `shaModule` wraps two functions in a module. Kept with the
 * test that compares the two (iterated-hash.test.ts), since no process runs it: change the loops
 * here, run that test, and paste the base64 it prints into wasm-sha.ts. Memory layout: wasm-sha.ts.
 */
import { LAYOUT } from '../../src/keystore/wasm-sha';

/** Bytecode as nested arrays, flattened once at the end. */
type Code = number | Code[];
const flat = (c: Code, out: number[] = []): number[] => {
  if (typeof c === 'number') out.push(c);
  else for (const x of c) flat(x, out);
  return out;
};

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

// Expressions: each helper returns the bytecode that leaves the value on the stack.
const get = (local: number): Code => [0x20, local];
const set = (local: number, v: Code): Code => [v, 0x21, local];
const i32 = (n: number): Code => [0x41, sleb(n)];
/** A binary operator applied left to right: op(a, b, c) = (a op b) op c. */
const op = (code: number) => (...xs: Code[]): Code => xs.slice(1).reduce<Code>((acc, x) => [acc, x, code], xs[0]);
const add = op(0x6a);
const sub = op(0x6b);
const and = op(0x71);
const or = op(0x72);
const xor = op(0x73);
const rotl = (x: Code, n: number): Code => [x, i32(n), 0x77];
const rotr = (x: Code, n: number): Code => [x, i32(n), 0x78];
const shr = (x: Code, n: number): Code => [x, i32(n), 0x76];
const ltU = (a: Code, b: Code): Code => [a, b, 0x49];
const eqz = (a: Code): Code => [a, 0x45];
/** i32.load / i32.store at `addr + offset` (offset: an unsigned immediate), 4-byte aligned. */
const load = (addr: Code, offset: number): Code => [addr, 0x28, 2, uleb(offset)];
const store = (addr: Code, offset: number, v: Code): Code => [addr, v, 0x36, 2, uleb(offset)];
// Control: `loop` branches back to its start, `block` out of its end; depth 0 is the innermost.
const loop = (...body: Code[]): Code => [0x03, 0x40, body, 0x0b];
const block = (...body: Code[]): Code => [0x02, 0x40, body, 0x0b];
const brIf = (depth: number, cond: Code): Code => [cond, 0x0d, depth];
const br = (depth: number): Code => [0x0c, depth];
/** for (i = from; i < to; i += 4) body */
const forWords = (i: number, from: number, to: number, ...body: Code[]): Code => [
  set(i, i32(from)),
  loop(body, set(i, add(get(i), i32(4))), brIf(0, ltU(get(i), i32(to)))),
];
/** while (n) { body; n-- } */
const repeat = (n: number, ...body: Code[]): Code => block(loop(brIf(1, eqz(get(n))), body, set(n, sub(get(n), i32(1))), br(0)));

const ZERO = i32(0);

function sha256Body(): { locals: number; code: Code } {
  const { K256, W256, S256, H256 } = LAYOUT;
  const [N, I, X, T1, T2, A, B, C, D, E, F, G, H] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const vars = [A, B, C, D, E, F, G, H];
  const code = repeat(
    N,
    forWords(I, 0, 32, store(get(I), W256, load(get(I), S256))),
    // w[i] = w[i-16] + s0(w[i-15]) + w[i-7] + s1(w[i-2])
    forWords(
      I,
      64,
      256,
      set(X, load(get(I), W256 - 60)),
      set(T1, xor(rotr(get(X), 7), rotr(get(X), 18), shr(get(X), 3))),
      set(X, load(get(I), W256 - 8)),
      set(T2, xor(rotr(get(X), 17), rotr(get(X), 19), shr(get(X), 10))),
      store(get(I), W256, add(load(get(I), W256 - 64), get(T1), load(get(I), W256 - 28), get(T2))),
    ),
    ...vars.map((v, j) => set(v, load(ZERO, H256 + 4 * j))),
    forWords(
      I,
      0,
      256,
      // t1 = h + S1(e) + ch(e, f, g) + k[i] + w[i]; t2 = S0(a) + maj(a, b, c)
      set(T1, add(get(H), xor(rotr(get(E), 6), rotr(get(E), 11), rotr(get(E), 25)), xor(get(G), and(get(E), xor(get(F), get(G)))), load(get(I), K256), load(get(I), W256))),
      set(T2, add(xor(rotr(get(A), 2), rotr(get(A), 13), rotr(get(A), 22)), or(and(get(A), get(B)), and(get(C), or(get(A), get(B)))))),
      set(H, get(G)),
      set(G, get(F)),
      set(F, get(E)),
      set(E, add(get(D), get(T1))),
      set(D, get(C)),
      set(C, get(B)),
      set(B, get(A)),
      set(A, add(get(T1), get(T2))),
    ),
    ...vars.map((v, j) => store(ZERO, S256 + 4 * j, add(load(ZERO, H256 + 4 * j), get(v)))),
  );
  return { locals: 12, code };
}

function sha1Body(): { locals: number; code: Code } {
  const { W1, S1, H1 } = LAYOUT;
  const [N, I, T, A, B, C, D, E] = [0, 1, 2, 3, 4, 5, 6, 7];
  const vars = [A, B, C, D, E];
  const round = (f: Code, k: number): Code[] => [
    set(T, add(rotl(get(A), 5), f, get(E), i32(k), load(get(I), W1))),
    set(E, get(D)),
    set(D, get(C)),
    set(C, rotl(get(B), 30)),
    set(B, get(A)),
    set(A, get(T)),
  ];
  const parity = xor(get(B), get(C), get(D));
  const code = repeat(
    N,
    forWords(I, 0, 20, store(get(I), W1, load(get(I), S1))),
    // w[i] = rotl(w[i-3] ^ w[i-8] ^ w[i-14] ^ w[i-16], 1)
    forWords(I, 64, 320, store(get(I), W1, rotl(xor(load(get(I), W1 - 12), load(get(I), W1 - 32), load(get(I), W1 - 56), load(get(I), W1 - 64)), 1))),
    ...vars.map((v, j) => set(v, load(ZERO, H1 + 4 * j))),
    forWords(I, 0, 80, ...round(xor(get(D), and(get(B), xor(get(C), get(D)))), 0x5a827999)),
    forWords(I, 80, 160, ...round(parity, 0x6ed9eba1)),
    forWords(I, 160, 240, ...round(or(and(get(B), get(C)), and(get(D), or(get(B), get(C)))), 0x8f1bbcdc)),
    forWords(I, 240, 320, ...round(parity, 0xca62c1d6)),
    ...vars.map((v, j) => store(ZERO, S1 + 4 * j, add(load(ZERO, H1 + 4 * j), get(v)))),
  );
  return { locals: 7, code };
}

const section = (id: number, body: Code): Code => {
  const bytes = flat(body);
  return [id, uleb(bytes.length), bytes];
};
const vec = (items: Code[]): Code => [uleb(items.length), items];
const name = (s: string): Code => [uleb(s.length), [...s].map((ch) => ch.charCodeAt(0))];

/** The module's bytes: exports `mem`, `sha256(n)` and `sha1(n)`. */
export function shaModule(): Uint8Array {
  const funcs = [sha256Body(), sha1Body()];
  const bytes: Code = [
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    section(1, vec([[0x60, 1, 0x7f, 0]])), // type 0: (i32) -> ()
    section(3, vec(funcs.map(() => 0))), // both functions have type 0
    section(5, vec([[0x00, 1]])), // one memory, at least one page
    section(7, vec([[name('mem'), 0x02, 0], [name('sha256'), 0x00, 0], [name('sha1'), 0x00, 1]])),
    section(
      10,
      vec(
        funcs.map((f) => {
          const body = flat([vec([[uleb(f.locals), 0x7f]]), f.code, 0x0b]);
          return [uleb(body.length), body];
        }),
      ),
    ),
  ];
  return Uint8Array.from(flat(bytes));
}
