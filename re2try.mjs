import { RE2JS } from 're2js';
const time = (p, s, flags=0) => { let r; try { r = RE2JS.compile(p, flags); } catch (e) { return 'ERR ' + e.message; } const t = performance.now(); const m = r.test(s); const t2 = performance.now(); r.test(s); return `${m} ${(t2 - t).toFixed(1)}ms 2nd ${(performance.now()-t2).toFixed(1)}ms prog=${r.re2().prog.numInst()}`; };
const pats = ['a*a*a*a*a*a*b', '^(a|aa){1,60}$', '(a|aa){1,1000}$', '(a|aa){1,1000}b', '[ab]*a[ab]{20}c', '(?:a{1,30}){1,30}b', '(x+x+)+y', '(.*a){20}b', '(\\w*\\s*)*$', '(?i)(a|A|aa|Aa){1,500}b', '(\\p{L}|\\p{N}){1,500}z', '(.{1,999})\\x{10FFFF}', '[\\s\\S]{1,1000}z'];
for (const n of [200, 10000, 100000]) {
  const s = 'a'.repeat(n);
  for (const p of pats) console.log(n, p, time(p, s));
  const mixed = Array.from({length:n}, (_, i) => 'ab'[(i*7919)%3 % 2]).join('');
  console.log(n, 'mixed [ab]*a[ab]{20}c', time('[ab]*a[ab]{20}c', mixed));
}
